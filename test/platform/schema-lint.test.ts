import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@graphql-eslint/eslint-plugin';
import { Linter, RuleTester, type Rule } from 'eslint';

// The project's own schema rules (eslint-rules/, run by `npm run lint` over schema.graphql).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rule: mutationArguments } = require('../../eslint-rules/mutation-arguments.cjs') as { rule: Rule.RuleModule };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rules: selectors } = require('../../eslint-rules/schema-selectors.cjs') as {
  rules: Record<string, Rule.RuleModule>;
};

const tester = new RuleTester({ languageOptions: { parser } });
const types = 'type Thing { id: ID! } input LoginInput { email: String! } input UpdateThingInput { name: String }';

describe('rapport/mutation-arguments', () => {
  tester.run('mutation-arguments', mutationArguments, {
    valid: [
      `type Mutation { restoreDefaults: Int! } ${types}`,
      `type Mutation { deleteThing(id: ID!): ID! } ${types}`,
      `type Mutation { login(input: LoginInput!): Thing! } ${types}`,
      `type Mutation { updateThing(id: ID!, input: UpdateThingInput!): Thing! } ${types}`,
      // An input whose fields are all optional may be left out.
      `type Mutation { updateThing(id: ID!, input: UpdateThingInput! = {}): Thing! } ${types}`,
      // Query arguments are not its business.
      `type Query { thing(id: ID!, name: String): Thing } type Mutation { x: Int } ${types}`,
    ],
    invalid: [
      {
        code: `type Mutation { login(email: String!, password: String!): Thing! } ${types}`,
        errors: [{ messageId: 'argument' }, { messageId: 'argument' }],
      },
      {
        code: `type Mutation { updateThing(id: ID!, name: String): Thing! } ${types}`,
        errors: [{ messageId: 'argument' }],
      },
      { code: `type Mutation { deleteThing(id: String!): ID! } ${types}`, errors: [{ messageId: 'idType' }] },
      { code: `type Mutation { deleteThing(id: ID): ID! } ${types}`, errors: [{ messageId: 'idType' }] },
      // Named after another mutation, nullable, or a list: all refused.
      { code: `type Mutation { logout(input: LoginInput!): Boolean! } ${types}`, errors: [{ messageId: 'inputType' }] },
      { code: `type Mutation { login(input: LoginInput): Thing! } ${types}`, errors: [{ messageId: 'inputType' }] },
      { code: `type Mutation { login(input: [LoginInput!]!): Thing! } ${types}`, errors: [{ messageId: 'inputType' }] },
      // `id` only first, and one input.
      {
        code: `type Mutation { updateThing(input: UpdateThingInput!, id: ID!): Thing! } ${types}`,
        errors: [{ messageId: 'argument' }],
      },
      {
        code: `type Query { a: Int } extend type Mutation { updateThing(id: ID!, kind: String): Thing } ${types} type Mutation { b: Int }`,
        errors: [{ messageId: 'argument' }],
      },
    ],
  });
});

describe('rapport/root-field-description', () => {
  tester.run('root-field-description', selectors['root-field-description'], {
    valid: ['type Query { """Your things.""" things: [Int!]! } type Thing { name: String }'],
    invalid: [{ code: 'type Query { things: [Int!]! } type Mutation { """Does it.""" a: Int }', errors: 1 }],
  });
});

describe('rapport/sort-enum-direction', () => {
  tester.run('sort-enum-direction', selectors['sort-enum-direction'], {
    valid: ['enum ThingSort { NAME_ASC NAME_DESC } enum Colour { RED }'],
    invalid: [{ code: 'enum ThingSort { NAME NAME_DESC CREATED_AT }', errors: 2 }],
  });
});

describe('rapport/connection-first-nullable', () => {
  tester.run('connection-first-nullable', selectors['connection-first-nullable'], {
    valid: [
      'type Query { things(first: Int = 20, after: String): ThingConnection! } type ThingConnection { n: Int }',
      'type Query { top(first: Int!): [Int!]! }',
    ],
    invalid: [
      { code: 'type Query { things(first: Int! = 20): ThingConnection! } type ThingConnection { n: Int }', errors: 1 },
      { code: 'type Query { things(first: Int!): ThingConnection } type ThingConnection { n: Int }', errors: 1 },
    ],
  });
});

it('finds schema.graphql in the one argument style (what `npm run lint` enforces)', () => {
  const schema = readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8');
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    schema,
    [
      {
        files: ['**/*.graphql'],
        languageOptions: { parser },
        plugins: { rapport: { rules: { 'mutation-arguments': mutationArguments } } },
        rules: { 'rapport/mutation-arguments': 'error' },
      },
    ],
    'schema.graphql',
  );
  expect(messages).toEqual([]);
  // The rule did look at the mutations: it would have something to say about the old login.
  const old = linter.verify(
    `${schema}\nextend type Mutation { signIn(email: String!): AuthPayload! }`,
    [
      {
        files: ['**/*.graphql'],
        languageOptions: { parser },
        plugins: { rapport: { rules: { 'mutation-arguments': mutationArguments } } },
        rules: { 'rapport/mutation-arguments': 'error' },
      },
    ],
    'schema.graphql',
  );
  expect(old.map((m) => m.message)).toEqual([expect.stringContaining('Mutation.signIn has argument `email`')]);
});
