import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ok, postRaw } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';

// contact(id) reads the contact and the first pages of the connections selected under it (and its
// organisation with that one's pages) in one statement (core/graphql/prefetch.ts). Held here to
// the answers of the per-level path — the same selection under node(id), which reads each level
// through the same loaders — and to its statement count.

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;
let bob: SignedInUser;
let contactId: string;
let bareContactId: string;

async function seed(user: SignedInUser): Promise<{ contact: string; bare: string }> {
  const [{ contact, bare }] = await app.infra.ds.query(
    `WITH org AS (
       INSERT INTO organisations (user_id, name) VALUES ($1, 'Acme') RETURNING id
     ), person AS (
       INSERT INTO contacts (user_id, first_name, last_name, organisation_id, tags, connected_on, last_contacted_at)
       SELECT $1, 'Grace', 'Hopper', id, '{navy,cobol}', '2020-02-29', now() - interval '3 days' FROM org RETURNING id, organisation_id
     ), bare AS (
       INSERT INTO contacts (user_id, first_name) VALUES ($1, 'Alone') RETURNING id
     ), talks AS (
       INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone, status)
       SELECT $1, p.id, 'Grace Hopper', p.organisation_id, 'Talk ' || i,
              date_trunc('hour', now()) - (i / 2) * interval '1 day', date_trunc('hour', now()) - (i / 2) * interval '1 day' + interval '1 hour',
              'UTC', (CASE WHEN i % 3 = 0 THEN 'COMPLETED' ELSE 'SCHEDULED' END)::meeting_status
       FROM person p, generate_series(1, 14) i RETURNING id, contact_id, organisation_id
     ), ins AS (
       INSERT INTO insights (user_id, contact_id, organisation_id, category, text, created_at)
       SELECT $1, p.id, p.organisation_id, (CASE WHEN i % 2 = 0 THEN 'SALARY' ELSE 'CULTURE' END)::topic, 'Insight ' || i,
              date_trunc('hour', now()) - (i / 3) * interval '1 minute'
       FROM person p, generate_series(1, 25) i
     ), com AS (
       INSERT INTO commitments (user_id, contact_id, owner, description, due_on, done_at, created_at)
       SELECT $1, p.id, (CASE WHEN i % 2 = 0 THEN 'ME' ELSE 'CONTACT' END)::commitment_owner, 'Promise ' || i,
              CASE WHEN i % 4 <> 0 THEN current_date + i END, CASE WHEN i % 3 = 0 THEN now() END,
              date_trunc('hour', now()) - (i / 2) * interval '1 minute'
       FROM person p, generate_series(1, 9) i
     ), leads AS (
       INSERT INTO job_leads (user_id, organisation_id, contact_id, title, status, status_history, deadline, created_at)
       SELECT $1, p.organisation_id, p.id, 'Lead ' || i, (CASE WHEN i % 2 = 0 THEN 'APPLIED' ELSE 'INTERESTED' END)::job_lead_status,
              '[]', current_date + i, date_trunc('hour', now()) - i * interval '1 minute'
       FROM person p, generate_series(1, 7) i
     ), logged AS (
       INSERT INTO interactions (user_id, contact_id, kind, note, occurred_at)
       SELECT $1, p.id, 'CALL', 'Called ' || i, date_trunc('hour', now()) - i * interval '5 hours' FROM person p, generate_series(1, 6) i
     )
     SELECT (SELECT id FROM person) AS contact, (SELECT id FROM bare) AS bare`,
    [user.user.id],
  );
  return { contact, bare };
}

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  bob = await signedInUser(app.url);
  ({ contact: contactId, bare: bareContactId } = await seed(ada));
  await seed(bob);
});
afterAll(() => app.close());

const PAGE = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount';

// The contact page of the benchmark (Q3) and the mobile contact screen (Q5), and more around them.
const Q3 = `id fullName meetings(first: 10) { edges { node { id title startsAt } } } insights(first: 20) { nodes { id category text } }`;
const Q5 = `id fullName title stage lastContactedAt
  organisation { id name jobLeads(first: 5) { totalCount nodes { id title status deadline } } }
  interactions(first: 10) { totalCount pageInfo { hasNextPage endCursor } edges { node { id source occurredAt title meetingStatus kind note } } }
  openPromises: commitments(first: 10, filter: { done: false }) { totalCount nodes { id description owner dueOn done } }`;
const WIDE = `id fullName tags connectedOn createdAt updatedAt howWeKnow stage
  meetings(first: 3) { edges { cursor node { id title startsAt endsAt status insights(first: 2) { nodes { id } } } } ${PAGE} }
  insights(first: 4, filter: { categories: [SALARY] }) { edges { cursor node { id category text createdAt } } ${PAGE} }
  latest: insights(last: 3) { edges { cursor node { id } } ${PAGE} }
  done: commitments(first: 2, filter: { done: true }) { edges { cursor node { id doneAt dueOn } } ${PAGE} }
  ...More
  organisation { name ... on Organisation { jobLeads(first: 2, filter: { statuses: [APPLIED] }) { edges { cursor node { id statusHistory { status } } } ${PAGE} } } }`;
const MORE = `fragment More on Contact { interactions(first: 4) { edges { cursor node { id occurredAt } } ${PAGE} } }`;

const run = async <T>(query: string, variables: Record<string, unknown>, user = ada) =>
  ok(await postRaw<T>(app.url, { query, variables }, { token: user.token }));

async function both(selection: string, id = contactId, fragments = '') {
  let direct: unknown;
  const statements = await sql.during(async () => {
    direct = (
      await run<{ contact: unknown }>(`query Q($id: ID!) { contact(id: $id) { ${selection} } } ${fragments}`, { id })
    ).contact;
  });
  const perLevel = (
    await run<{ node: unknown }>(
      `query Q($id: ID!) { node(id: $id) { ... on Contact { ${selection} } } } ${fragments}`,
      {
        id,
      },
    )
  ).node;
  return { direct, perLevel, statements };
}

it('answers the benchmark’s contact page (Q3) in one statement, as the per-level path does', async () => {
  for (let i = 0; i < 3; i++) {
    // The third time the document is compiled (graphql-jit): the same answer and count.
    const { direct, perLevel, statements } = await both(Q3);
    expect(direct).toEqual(perLevel);
    expect(statements).toHaveLength(1);
  }
});

it('answers the mobile contact screen (Q5) — organisation and its job leads, timeline, open promises, counts — in one statement', async () => {
  for (let i = 0; i < 3; i++) {
    const { direct, perLevel, statements } = await both(Q5);
    expect(direct).toEqual(perLevel);
    expect(statements).toHaveLength(1);
    const screen = direct as {
      organisation: { jobLeads: { totalCount: number } };
      openPromises: { totalCount: number; nodes: { done: boolean }[] };
      interactions: { totalCount: number; pageInfo: { hasNextPage: boolean } };
    };
    expect(screen.organisation.jobLeads.totalCount).toBe(7);
    expect(screen.openPromises.nodes.every((n) => !n.done)).toBe(true);
    expect(screen.openPromises.totalCount).toBe(6);
    expect(screen.interactions).toMatchObject({ totalCount: 20, pageInfo: { hasNextPage: true } });
  }
});

it('reads filters, backward pages, aliases, fragments, cursors and counts the same, nested lists per level', async () => {
  const { direct, perLevel, statements } = await both(WIDE, contactId, MORE);
  expect(direct).toEqual(perLevel);
  // The contact with its pages, then the meetings' insights (one statement for every meeting).
  expect(statements).toHaveLength(2);
});

it('takes page sizes and filters from variables, interpreted and compiled alike', async () => {
  const selection = `meetings(first: $n) { edges { cursor node { id } } ${PAGE} }
    insights(first: $n, filter: { categories: $categories }) { nodes { id category } ${PAGE} }`;
  const ask = async (root: string, variables: Record<string, unknown>) =>
    run<Record<string, unknown>>(
      `query Q($id: ID!, $n: Int, $categories: [Topic!]) { ${root}(id: $id) { ... on Contact { ${selection} } } }`,
      { id: contactId, ...variables },
    );
  for (const variables of [{ n: 4, categories: ['SALARY'] }, { n: 6 }, { n: 4, categories: ['CULTURE'] }, {}]) {
    let direct: Record<string, unknown> = {};
    const statements = await sql.during(async () => (direct = await ask('contact', variables)));
    expect(direct.contact).toEqual((await ask('node', variables)).node);
    expect(statements).toHaveLength(1);
  }
});

it('pages on from the cursors of a page read in the contact’s statement', async () => {
  const first = (await both('meetings(first: 5) { pageInfo { endCursor } }')).direct as {
    meetings: { pageInfo: { endCursor: string } };
  };
  const after = first.meetings.pageInfo.endCursor;
  const next = await both(`meetings(first: 5, after: "${after}") { edges { node { id } } pageInfo { hasNextPage } }`);
  expect(next.direct).toEqual(next.perLevel);
  expect((next.direct as { meetings: { edges: unknown[] } }).meetings.edges).toHaveLength(5);
});

it('answers a contact without an organisation or anything below it, and null for another user’s or a bad id', async () => {
  const bare = await both(Q5, bareContactId);
  expect(bare.direct).toEqual(bare.perLevel);
  expect(bare.direct).toMatchObject({ organisation: null, interactions: { totalCount: 0 } });
  const statements = await sql.during(async () => {
    expect(
      (await run<{ contact: unknown }>(`query Q($id: ID!) { contact(id: $id) { ${Q5} } }`, { id: contactId }, bob))
        .contact,
    ).toBeNull();
    expect(
      (await run<{ contact: unknown }>(`query Q($id: ID!) { contact(id: $id) { ${Q3} } }`, { id: 'nope' })).contact,
    ).toBeNull();
  });
  expect(statements).toHaveLength(1);
});

it('leaves an oversized page to the field, which refuses it as before', async () => {
  const res = await postRaw(
    app.url,
    {
      query: `query Q($id: ID!) { contact(id: $id) { id meetings(first: 500) { nodes { id } } } }`,
      variables: { id: contactId },
    },
    { token: ada.token },
  );
  expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

describe('over the request’s node budget', () => {
  let small: TestApp;
  let user: SignedInUser;
  let id: string;
  beforeAll(async () => {
    small = await startTestApp({ GRAPHQL_MAX_NODES: '100' });
    user = await signedInUser(small.url);
    const [row] = await small.infra.ds.query<{ id: string }[]>(
      `WITH c AS (INSERT INTO contacts (user_id, first_name) VALUES ($1, 'Busy') RETURNING id),
       i AS (INSERT INTO insights (user_id, contact_id, category, text) SELECT $1, c.id, 'SALARY', 'Insight ' || n FROM c, generate_series(1, 120) n)
       SELECT id FROM c`,
      [user.user.id],
    );
    id = row.id;
  });
  afterAll(() => small.close());

  it('gives the error to the page that goes over it, as the per-level read does', async () => {
    const ask = (root: string) =>
      postRaw(
        small.url,
        { query: `query Q($id: ID!) { ${root} { id insights(first: 99) { nodes { id } } } } }`, variables: { id } },
        { token: user.token },
      );
    const direct = await ask('contact(id: $id) { ... on Contact');
    const perLevel = await ask('node(id: $id) { ... on Contact');
    expect(direct.errors?.map((e) => [e.path, e.extensions?.reason])).toEqual([
      [['contact', 'insights'], 'NODE_LIMIT'],
    ]);
    expect(perLevel.errors?.map((e) => [e.path, e.extensions?.reason])).toEqual([[['node', 'insights'], 'NODE_LIMIT']]);
    expect(direct.data).toEqual({ contact: null });
  });
});
