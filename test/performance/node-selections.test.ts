import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ok, postRaw } from '../helpers/graphql';

// Reads that take only the columns their selection needs (the meetings page, every
// organisation's contacts page) must see a connection's nodes however the client reaches them:
// `edges { node }`, `nodes`, or both. Reading only `edges.node`'s fields once answered
// `nodes { title }` with an internal error and `nodes { email }` with null.

let app: TestApp;
let ada: SignedInUser;

beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
  await app.infra.ds.query(
    `WITH org AS (INSERT INTO organisations (user_id, name) VALUES ($1, 'Acme') RETURNING id),
          person AS (
            INSERT INTO contacts (user_id, first_name, last_name, email, organisation_id)
            SELECT $1, 'Ada', 'Lovelace', 'ada@example.com', org.id FROM org RETURNING id, organisation_id)
     INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone)
     SELECT $1, person.id, 'Ada Lovelace', person.organisation_id, 'Coffee ' || n,
            now() + n * interval '1 day', now() + n * interval '1 day' + interval '30 minutes', 'UTC'
     FROM person, generate_series(1, 3) n`,
    [ada.user.id],
  );
});
afterAll(() => app.close());

const run = async <T>(query: string) => ok(await postRaw<T>(app.url, { query }, { token: ada.token }));

const MEETING = 'title startsAt contact { fullName email organisation { name } } organisation { name }';
const CONTACT = 'fullName email stage';

it('answers a meetings page the same through nodes as through edges', async () => {
  type Meetings = { meetings: { edges?: { node: unknown }[]; nodes?: unknown[] } };
  const viaEdges = await run<Meetings>(`{ meetings(first: 5) { edges { node { ${MEETING} } } } }`);
  const viaNodes = await run<Meetings>(`{ meetings(first: 5) { nodes { ${MEETING} } } }`);
  const expected = viaEdges.meetings.edges!.map((e) => e.node);
  expect(expected).toHaveLength(3);
  expect(expected[0]).toMatchObject({
    title: 'Coffee 1',
    contact: { fullName: 'Ada Lovelace', email: 'ada@example.com' },
  });
  expect(viaNodes.meetings.nodes).toEqual(expected);
  // Both at once, each asking other fields: every field of either is read.
  const both = await run<Meetings>(`{ meetings(first: 5) { edges { node { title } } nodes { contact { email } } } }`);
  expect(both.meetings.edges!.map((e) => e.node)).toEqual(
    expected.map((m) => ({ title: (m as { title: string }).title })),
  );
  expect(both.meetings.nodes).toEqual(expected.map(() => ({ contact: { email: 'ada@example.com' } })));
});

it('answers every organisation’s contacts page the same through nodes as through edges', async () => {
  type Orgs = { organisations: { nodes: { contacts: { edges?: { node: unknown }[]; nodes?: unknown[] } }[] } };
  const viaEdges = await run<Orgs>(
    `{ organisations(first: 5) { nodes { contacts(first: 5) { edges { node { ${CONTACT} } } } } } }`,
  );
  const viaNodes = await run<Orgs>(
    `{ organisations(first: 5) { nodes { contacts(first: 5) { nodes { ${CONTACT} } } } } }`,
  );
  const expected = viaEdges.organisations.nodes[0].contacts.edges!.map((e) => e.node);
  expect(expected).toEqual([{ fullName: 'Ada Lovelace', email: 'ada@example.com', stage: 'IDENTIFIED' }]);
  expect(viaNodes.organisations.nodes[0].contacts.nodes).toEqual(expected);
  const both = await run<Orgs>(
    `{ organisations(first: 5) { nodes { contacts(first: 5) { edges { node { fullName } } nodes { email } } } } }`,
  );
  expect(both.organisations.nodes[0].contacts.edges!.map((e) => e.node)).toEqual([{ fullName: 'Ada Lovelace' }]);
  expect(both.organisations.nodes[0].contacts.nodes).toEqual([{ email: 'ada@example.com' }]);
});
