import { COMPILE_AFTER_RUNS, jitStats } from '../../src/core/graphql/jit-executor';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ok, postRaw, type GraphQLResponse } from '../helpers/graphql';

// A document sent more than COMPILE_AFTER_RUNS times is executed by graphql-jit instead of
// graphql-js; with GRAPHQL_JIT=false, never. Each test sends the same document past that point
// to a server with compiled execution and as often to one without (same database), and holds
// every answer to the first (interpreted) one: data, errors, codes, paths and locations.
// Abstract types (Node, the schema's one interface) stay on graphql-js: jit-executor.test.ts and
// test/platform/nodes.test.ts.

let app: TestApp;
let plain: TestApp;
let ada: SignedInUser;
const RUNS = COMPILE_AFTER_RUNS + 3;

beforeAll(async () => {
  app = await startTestApp();
  // Started second: each start empties the database, so this one goes before any data.
  plain = await startTestApp({ GRAPHQL_JIT: 'false' });
  ada = await signedInUser(app.url);
});
afterAll(async () => {
  await app.close();
  await plain.close();
});

const send = (query: string, variables: Record<string, unknown> = {}, to = app) =>
  postRaw<Record<string, unknown>>(to.url, { query, variables }, { token: ada.token });

type Answer = Pick<GraphQLResponse<unknown>, 'status' | 'data' | 'errors'>;

/**
 * Sends the same document RUNS times to each server; every response must equal the first
 * (status included). `compiled`: operations the compiled server compiled meanwhile.
 */
async function sameEveryTime(query: string, variables: () => Record<string, unknown> = () => ({})) {
  const answers: Answer[] = [];
  const compiledBefore = jitStats.compiled;
  for (let i = 0; i < RUNS; i++) {
    const { status, data, errors } = await send(query, variables());
    answers.push({ status, data, errors });
  }
  const compiled = jitStats.compiled - compiledBefore;
  for (let i = 0; i < RUNS; i++) {
    const { status, data, errors } = await send(query, variables(), plain);
    answers.push({ status, data, errors });
  }
  expect(jitStats.compiled - compiledBefore).toBe(compiled); // the plain server compiles nothing
  for (const answer of answers.slice(1)) {
    expect(answer).toEqual(answers[0]);
    expect(JSON.stringify(answer)).toBe(JSON.stringify(answers[0])); // keys in the same order too
  }
  return { ...answers[0], compiled };
}

it('answers a nested read the same once compiled: lists, relations, cursors, counts, enums, dates', async () => {
  const contacts: string[] = [];
  for (const name of ['Ana', 'Ben', 'Cy']) {
    const { createContact } = ok(
      await send(`mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`, {
        input: { firstName: name, lastName: 'Lee', tags: ['energy'] },
      }),
    ) as { createContact: { id: string } };
    contacts.push(createContact.id);
  }
  for (const [i, contactId] of contacts.entries()) {
    const startsAt = new Date(Date.now() + (i + 1) * 86_400_000);
    ok(
      await send(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`, {
        input: { contactId, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) },
      }),
    );
  }
  const answer = await sameEveryTime(`query {
    me { id email timezone }
    meetings(first: 2) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id title status startsAt contact { fullName tags organisation { name } } agenda { id } } }
    }
    contacts(first: 5, sort: NAME_ASC) { edges { node { fullName stage meetings(first: 1) { totalCount } } } }
  }`);
  const data = answer.data as { meetings: { totalCount: number; edges: unknown[] }; contacts: { edges: unknown[] } };
  expect(answer.errors).toBeUndefined();
  expect(answer.compiled).toBe(1); // the later runs were the compiled plan's
  expect(data.meetings.totalCount).toBe(3);
  expect(data.meetings.edges).toHaveLength(2);
  expect(data.contacts.edges).toHaveLength(3);
});

it('fills in input defaults the client left out, and refuses bad variables the same way', async () => {
  const { createContact } = ok(await send(`mutation { createContact(input: { firstName: "Dee" }) { id } }`)) as {
    createContact: { id: string };
  };
  const schedule = `mutation($input: ScheduleMeetingInput!) {
    scheduleMeeting(input: $input) { sendThankYou sendFollowUp allowOverlap } }`;
  let day = 10;
  const answer = await sameEveryTime(schedule, () => {
    const startsAt = new Date(Date.now() + day++ * 86_400_000);
    return { input: { contactId: createContact.id, startsAt, endsAt: new Date(startsAt.getTime() + 1_800_000) } };
  });
  expect(answer.data).toEqual({ scheduleMeeting: { sendThankYou: true, sendFollowUp: true, allowOverlap: false } });
  expect(answer.compiled).toBe(1);

  const refused = await sameEveryTime(schedule, () => ({ input: { contactId: createContact.id, startsAt: 'soon' } }));
  expect(refused.status).toBe(400);
  expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

it('reports a resolver’s error with the same code, message, path and location', async () => {
  const partial = await sameEveryTime(`mutation {
    updateMeeting(id: "4c7c5f52-3d35-4d55-a8e9-0b3e6f1f2b0a", input: { title: "x" }) { id }
  }`);
  expect(partial.compiled).toBe(1);
  expect(partial.errors).toHaveLength(1);
  expect(partial.errors?.[0]).toMatchObject({ path: ['updateMeeting'], extensions: { code: 'NOT_FOUND' } });
  expect(partial.errors?.[0].locations).toEqual([{ line: 2, column: 5 }]);

  const invalid = await sameEveryTime(`mutation { createQuestion(input: { category: OTHER, text: " " }) { id } }`);
  expect(invalid.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(JSON.stringify(invalid.errors)).toContain('input.text');
});

type Page = { totalCount: number; edges: { node: Record<string, unknown> }[] };

it('answers named, nested and inline fragments and @skip/@include by variables the same once compiled', async () => {
  const { createOrganisation: acme } = ok(
    await send(`mutation { createOrganisation(input: { name: "Acme", industry: "Energy" }) { id } }`),
  ) as { createOrganisation: { id: string } };
  const { createContact: eve } = ok(
    await send(`mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`, {
      input: { firstName: 'Eve', lastName: 'Ng', organisationId: acme.id },
    }),
  ) as { createContact: { id: string } };
  for (const day of [40, 41]) {
    const startsAt = new Date(Date.now() + day * 86_400_000);
    ok(
      await send(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`, {
        input: { contactId: eve.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) },
      }),
    );
  }
  const page = `query Page($contactId: ID!, $withContact: Boolean!, $skipOrganisation: Boolean!) {
    meetings(first: 5, filter: { contactId: $contactId }) {
      ... on MeetingConnection { totalCount }
      edges { cursor node { ...MeetingParts ... on Meeting { status contact @include(if: $withContact) { ...ContactParts } } } }
    }
    me { ... { email } ... @include(if: $withContact) { name } ... @skip(if: $withContact) { timezone } }
  }
  fragment MeetingParts on Meeting {
    id title startsAt
    organisation @skip(if: $skipOrganisation) { name industry }
    organisation { id }
  }
  fragment ContactParts on Contact { fullName organisation { ...OrganisationName } }
  fragment OrganisationName on Organisation { name }`;

  let compiled = 0;
  for (const withContact of [true, false]) {
    for (const skipOrganisation of [false, true]) {
      const answer = await sameEveryTime(page, () => ({ contactId: eve.id, withContact, skipOrganisation }));
      expect(answer.errors).toBeUndefined();
      compiled += answer.compiled;
      const { meetings, me } = answer.data as { meetings: Page; me: Record<string, unknown> };
      expect(meetings.totalCount).toBe(2);
      const node = meetings.edges[0].node;
      expect(node.organisation).toEqual(
        skipOrganisation ? { id: acme.id } : { name: 'Acme', industry: 'Energy', id: acme.id },
      );
      expect(node.contact).toEqual(withContact ? { fullName: 'Eve Ng', organisation: { name: 'Acme' } } : undefined);
      expect(Object.keys(me)).toEqual(withContact ? ['email', 'name'] : ['email', 'timezone']);
    }
  }
  expect(compiled).toBe(1); // one document: compiled once, then every combination ran compiled
});

it('reports errors inside a list the same once compiled: each item’s path, and nulls where they land', async () => {
  const { createOrganisation: ode } = ok(
    await send(`mutation { createOrganisation(input: { name: "Ode Inc" }) { id } }`),
  ) as { createOrganisation: { id: string } };
  const contacts: string[] = [];
  for (const [i, firstName] of ['Fay', 'Gus'].entries()) {
    const { createContact } = ok(
      await send(`mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`, {
        input: { firstName, organisationId: ode.id },
      }),
    ) as { createContact: { id: string } };
    contacts.push(createContact.id);
    const startsAt = new Date(Date.now() + (50 + i) * 86_400_000);
    ok(
      await send(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`, {
        input: { contactId: createContact.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) },
      }),
    );
  }
  // A page size the resolver refuses, under each meeting's (nullable) contact; what is beside it stays.
  const answer = await sameEveryTime(
    `query($organisationId: ID!, $size: Int!) {
      meetings(first: 5, filter: { organisationId: $organisationId }) {
        totalCount
        edges { node { contactName organisation { name } contact { fullName meetings(first: $size) { totalCount } } } }
      }
    }`,
    () => ({ organisationId: ode.id, size: 500 }),
  );
  expect(answer.compiled).toBe(1);
  expect(answer.data).toEqual({
    meetings: {
      totalCount: 2,
      edges: ['Fay', 'Gus'].map((contactName) => ({
        node: { contactName, organisation: { name: 'Ode Inc' }, contact: null },
      })),
    },
  });
  expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
    [['meetings', 'edges', 0, 'node', 'contact', 'meetings'], 'BAD_USER_INPUT'],
    [['meetings', 'edges', 1, 'node', 'contact', 'meetings'], 'BAD_USER_INPUT'],
  ]);

  // A server bug in one item: a null among Gus's tags, where the schema promises none. The
  // client sees the same masked error at the same path on both paths, and Fay's contact.
  await app.infra.ds.query(`UPDATE contacts SET tags = ARRAY['ok', NULL] WHERE id = $1`, [contacts[1]]);
  const bug = await sameEveryTime(
    `query($organisationId: ID!) {
      meetings(first: 5, filter: { organisationId: $organisationId }) { edges { node { contactName contact { fullName tags } } } }
    }`,
    () => ({ organisationId: ode.id }),
  );
  expect(bug.compiled).toBe(1);
  expect(bug.data).toEqual({
    meetings: {
      edges: [
        { node: { contactName: 'Fay', contact: { fullName: 'Fay', tags: [] } } },
        { node: { contactName: 'Gus', contact: null } },
      ],
    },
  });
  expect(bug.errors).toEqual([
    {
      message: 'Internal server error',
      locations: [{ line: 2, column: 119 }],
      path: ['meetings', 'edges', 1, 'node', 'contact', 'tags', 1],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    },
  ]);
});

it('refuses variables that cannot be coerced the same way, compiled or not', async () => {
  const read = `query($first: Int!, $sort: MeetingSort!) { meetings(first: $first, sort: $sort) { totalCount } }`;
  const create = `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`;
  const cases: [string, Record<string, unknown>][] = [
    [read, { first: 'ten', sort: 'STARTS_AT_ASC' }],
    [read, { first: 2.5, sort: 'STARTS_AT_ASC' }],
    [read, { first: null, sort: 'STARTS_AT_ASC' }],
    [read, { sort: 'STARTS_AT_ASC' }],
    [read, { first: 1, sort: 'SIDEWAYS' }],
    [create, { input: { firstName: 'Hal', nickname: 'H' } }],
    [create, { input: { lastName: 'Ode' } }],
    [create, { input: { firstName: 'Hal', tags: [1, { a: 1 }] } }],
  ];
  for (const [query, variables] of cases) {
    const refused = await sameEveryTime(query, () => variables);
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.length).toBeGreaterThan(0);
    for (const error of refused.errors ?? []) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  }
  // A document that runs well is still compiled after refusals of its variables.
  const answer = await sameEveryTime(read, () => ({ first: 1, sort: 'STARTS_AT_ASC' }));
  expect(answer.errors).toBeUndefined();
});
