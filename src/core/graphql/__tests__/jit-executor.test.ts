import {
  buildSchema,
  execute,
  GraphQLError,
  parse,
  validate,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLUnionType,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { formatError } from '../format-error';
import { COMPILE_AFTER_RUNS, createJitExecutor, jitStats } from '../jit-executor';

// Rapport's schema has one interface (Node, tested end to end in test/platform/nodes.test.ts) and
// no union; these run the executor on a small schema that has both, and hold every answer to
// graphql-js's (the plain path, GRAPHQL_JIT=false).

const schema = buildSchema(`
  interface Node { id: ID! }
  interface Named { name: String! }
  type Person implements Node & Named { id: ID! name: String! email: String! friends: [Node!]! }
  type Company implements Node & Named { id: ID! name: String! staff: [Person] }
  type Robot implements Node { id: ID! model: String serial: Int parts: [String] }
  union Result = Person | Company | Robot
  input EchoInput { limit: Int! = 2, tags: [String] }
  type Query {
    echo(input: EchoInput!): String
    search(term: String!, limit: Int = 10): [Result!]!
    nodes: [Node]
    people: [Person]!
    strictPeople: [Person!]
    robots(first: Int! = 10): [Robot]
  }
`);

type Row = { __typename: 'Person' | 'Company' | 'Robot'; id: string; [field: string]: unknown };
const ada: Row = { __typename: 'Person', id: 'p1', name: 'Ada', email: 'ada@example.com' };
const bob: Row = { __typename: 'Person', id: 'p2', name: 'Bob', email: null }; // a non-null field that fails
const acme: Row = { __typename: 'Company', id: 'c1', name: 'Acme', staff: [ada, bob] };
const r2: Row = { __typename: 'Robot', id: 'r2', model: 'R2', serial: 2, parts: ['arm'] };
// A resolver's error, and values their types cannot take: a server's bugs, masked by formatError.
const broken: Row = {
  __typename: 'Robot',
  id: 'r9',
  model: new Error('model sensor offline'),
  serial: 'nine',
  parts: 9,
};
const rows = [ada, acme, r2, bob, broken];

// A value that is an Error is thrown by its field's resolver; names are answered asynchronously.
const field: GraphQLFieldResolver<Row, unknown> = (row, _args, _ctx, info) => {
  const value = row[info.fieldName];
  if (value instanceof Error) throw new GraphQLError(value.message, { extensions: { code: 'UNAVAILABLE' } });
  return info.fieldName === 'name' ? Promise.resolve(value) : value;
};
for (const name of ['Person', 'Company', 'Robot']) {
  for (const f of Object.values((schema.getType(name) as GraphQLObjectType).getFields())) f.resolve = field;
}
(schema.getType('Person') as GraphQLObjectType).getFields().friends.resolve = (row) => rows.filter((r) => r !== row);
// The union picks types by shape, asynchronously; the interfaces by the default (__typename).
(schema.getType('Result') as GraphQLUnionType).resolveType = async (row: Row) =>
  'email' in row ? 'Person' : 'staff' in row ? 'Company' : 'Robot';
const query = (schema.getQueryType() as GraphQLObjectType).getFields();
query.search.resolve = (_root, { term, limit }: { term: string; limit: number }) =>
  rows.filter((r) => String(r.name ?? r.model ?? '').includes(term)).slice(0, limit);
query.nodes.resolve = async () => [...rows, null];
query.people.resolve = () => [ada, bob, null];
query.strictPeople.resolve = () => [ada, bob];
query.echo.resolve = (_root, { input }: { input: object }) => JSON.stringify(input);
query.robots.resolve = async (_root, { first }: { first: number }) => [r2, broken, null].slice(0, first);

/**
 * A result as the comparison sees it: each error with its original error and what formatError
 * makes of it (what a client gets). Errors sorted: when several fields fail, graphql-js lists
 * them as its resolvers settle and graphql-jit may not (the GraphQL spec leaves the order open).
 */
function comparable(result: ExecutionResult) {
  const errors = result.errors?.map((e) => ({
    error: e.toJSON(),
    original: e.originalError && [e.originalError.constructor.name, e.originalError.message],
    client: formatError(e.toJSON(), e),
  }));
  return {
    data: JSON.stringify(result.data),
    errors: errors?.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  };
}

/**
 * Runs one document through the executor COMPILE_AFTER_RUNS + 3 times (the later runs compiled,
 * where it compiles) and through graphql-js; every answer must equal graphql-js's (data with its
 * keys in the same order, the same errors). `compiled`: operations the executor compiled.
 */
async function sameAsGraphqlJs(source: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const document = parse(source);
  expect(validate(schema, document)).toEqual([]);
  const run = createJitExecutor(schema);
  const plain = await execute({ schema, document, operationName, variableValues: variables, contextValue: {} });
  const compiledBefore = jitStats.compiled;
  for (let i = 0; i < COMPILE_AFTER_RUNS + 3; i++) {
    const answer = await run({ document, operationName, variables, contextValue: {} });
    expect(Object.keys(answer)).toEqual(Object.keys(plain));
    expect(comparable(answer)).toEqual(comparable(plain));
  }
  return { ...plain, compiled: jitStats.compiled - compiledBefore };
}

it('answers named and inline fragments and @skip/@include by variables as graphql-js does, compiled', async () => {
  const document = `query People($withEmail: Boolean!, $skipIds: Boolean!) {
    strictPeople { ...Names ... @include(if: $withEmail) { email } }
    robots { ... on Robot { id @skip(if: $skipIds) } id model }
  }
  fragment Names on Person { name ... on Person { id @skip(if: $skipIds) } }`;
  for (const withEmail of [true, false]) {
    for (const skipIds of [true, false]) {
      const answer = await sameAsGraphqlJs(document, { withEmail, skipIds });
      expect(answer.compiled).toBe(1);
      // Bob's email is null where a non-null one is promised: the whole non-null list goes.
      expect(answer.data?.strictPeople).toEqual(
        withEmail
          ? null
          : [
              skipIds ? { name: 'Ada' } : { name: 'Ada', id: 'p1' },
              skipIds ? { name: 'Bob' } : { name: 'Bob', id: 'p2' },
            ],
      );
      expect(answer.data?.robots).toEqual([{ id: 'r2', model: 'R2' }, { id: 'r9', model: null }, null]);
    }
  }
});

it('puts errors inside lists where graphql-js does: a nullable field, a nullable item, a non-null item', async () => {
  const answer = await sameAsGraphqlJs(`{
    robots { id model serial parts }
    people { name email }
    strictPeople { id email }
  }`);
  expect(answer.compiled).toBe(1);
  expect(answer.data).toEqual({
    robots: [
      { id: 'r2', model: 'R2', serial: 2, parts: ['arm'] },
      { id: 'r9', model: null, serial: null, parts: null },
      null,
    ],
    people: [{ name: 'Ada', email: 'ada@example.com' }, null, null],
    strictPeople: null,
  });
  const errors = answer.errors?.map((e) => [e.path?.join('.'), formatError(e.toJSON(), e).extensions?.code]);
  expect(errors?.sort()).toEqual([
    ['people.1.email', 'INTERNAL_SERVER_ERROR'],
    ['robots.1.model', 'UNAVAILABLE'],
    ['robots.1.parts', 'BAD_USER_INPUT'],
    ['robots.1.serial', 'BAD_USER_INPUT'],
    ['strictPeople.1.email', 'INTERNAL_SERVER_ERROR'],
  ]);
});

it('answers variables that cannot be coerced as graphql-js does, and picks the named operation', async () => {
  const document = `query Robots($first: Int!) { robots(first: $first) { id } }
    query People { people { name } }`;
  for (const variables of [{ first: 'two' }, {}, { first: null }, { first: 1.5 }]) {
    const refused = await sameAsGraphqlJs(document, variables, 'Robots');
    expect(refused.data).toBeUndefined();
    expect(refused.errors).toHaveLength(1);
  }
  const robots = await sameAsGraphqlJs(document, { first: 1 }, 'Robots');
  expect(robots).toMatchObject({ data: { robots: [{ id: 'r2' }] }, compiled: 1 });
  const people = await sameAsGraphqlJs(document, {}, 'People');
  expect(people).toMatchObject({ data: { people: [{ name: 'Ada' }, { name: 'Bob' }, null] }, compiled: 1 });
});

it('gives a variable left out of an input object literal its field default, as graphql-js does', async () => {
  // graphql-jit 0.8 alone reads the missing $limit as null (past a non-null type and its default).
  const document = `query Echo($limit: Int, $tag: String) { echo(input: { limit: $limit, tags: [$tag] }) }`;
  for (const variables of [{ limit: null }, { tag: 'x' }, { limit: null, tag: 'x' }]) {
    await sameAsGraphqlJs(document, variables);
  }
  const none = await sameAsGraphqlJs(document, {});
  expect(none).toMatchObject({ data: { echo: '{"limit":2,"tags":[null]}' }, compiled: 1 });
  // Every variable given: the same answer, from the compiled plan.
  const given = await sameAsGraphqlJs(document, { limit: 5, tag: 'x' });
  expect(given).toMatchObject({ data: { echo: '{"limit":5,"tags":["x"]}' }, compiled: 1 });
});

it('leaves unions and interfaces to graphql-js, fragments and list errors included', async () => {
  const union = await sameAsGraphqlJs(
    `query Find($term: String!) {
      search(term: $term) {
        __typename
        ... on Node { id }
        ...NameOf
        ... on Company { staff { name } }
        ... on Robot { model }
      }
    }
    fragment NameOf on Named { name }`,
    { term: 'R' },
  );
  expect(union.data).toEqual({ search: [{ __typename: 'Robot', id: 'r2', model: 'R2' }] });
  const list = await sameAsGraphqlJs(
    `query Nodes($withNames: Boolean!) {
      nodes { id ... on Named @include(if: $withNames) { name } ... on Person { friends { ...Ids } } }
    }
    fragment Ids on Node { __typename id ... on Robot { model } }`,
    { withNames: true },
  );
  // The broken robot fails as each person's friend (at 3) and nowhere else.
  expect(list.errors?.map((e) => e.path)).toEqual([
    ['nodes', 0, 'friends', 3, 'model'],
    ['nodes', 3, 'friends', 3, 'model'],
  ]);
  expect(union.compiled + list.compiled).toBe(0);
});

it('keeps abstract types on graphql-js for a reason: graphql-jit cannot wait for a resolveType', async () => {
  // If a graphql-jit upgrade answers as graphql-js does here, jit-executor.ts may compile them.
  const document = parse(`{ search(term: "Ada") { __typename } }`);
  const compiled = compileQuery(schema, document);
  if (!isCompiledQuery(compiled)) throw new Error('not compiled');
  const plain = await execute({ schema, document });
  expect(plain).toEqual({ data: { search: [{ __typename: 'Person' }] } });
  expect(await compiled.query(undefined, {}, {})).not.toEqual(plain);
});
