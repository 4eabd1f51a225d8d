import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ok, postRaw } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';

// Organisation.contacts under a page of organisations: one statement for every organisation's
// first page (and one grouped count when totalCount is asked), with the cursors and pages the
// single-organisation path gives.

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  // 20 organisations; the i-th has (i % 8) contacts, some with the same first name (ties on the sort).
  await app.infra.ds.query(
    `WITH orgs AS (
       INSERT INTO organisations (user_id, name) SELECT $1, 'Org ' || lpad(i::text, 2, '0') FROM generate_series(1, 20) i
       RETURNING id, name
     )
     INSERT INTO contacts (user_id, first_name, last_name, organisation_id, created_at)
     SELECT $1, 'Person ' || (j % 3), 'N' || j, o.id, now() - j * interval '1 minute'
     FROM orgs o, generate_series(1, 8) j WHERE j <= substring(o.name from 5)::int % 8`,
    [ada.user.id],
  );
});
afterAll(() => app.close());

interface ContactPage {
  edges: { cursor: string; node: { id: string; firstName: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount?: number;
}

const run = async <T>(query: string, variables: Record<string, unknown> = {}) =>
  ok(await postRaw<T>(app.url, { query, variables }, { token: ada.token }));

const PAGE = 'edges { cursor node { id firstName } } pageInfo { hasNextPage endCursor }';

const nested = (sort: string, count: boolean) =>
  run<{ organisations: { edges: { node: { id: string; contacts: ContactPage } }[] } }>(
    `{ organisations(first: 20) { edges { node { id contacts(first: 3, sort: ${sort}) { ${PAGE} ${count ? 'totalCount' : ''} } } } } }`,
  );

/** The same page through the single-organisation path (the top-level contacts list). */
const alone = async (organisationId: string, sort: string, after: string | null = null) =>
  (
    await run<{ contacts: ContactPage }>(
      `query($org: ID!, $after: String) { contacts(first: 3, after: $after, sort: ${sort}, filter: { organisationId: $org }) { ${PAGE} } }`,
      { org: organisationId, after },
    )
  ).contacts;

it.each(['NAME_ASC', 'CREATED_AT_DESC', 'RELEVANCE_DESC'])(
  'reads every organisation’s first page in one statement, as the single path would (%s)',
  async (sort) => {
    let result: Awaited<ReturnType<typeof nested>> | undefined;
    const statements = await sql.during(async () => {
      result = await nested(sort, false);
    });
    // The organisations page, and one read for all twenty contact pages.
    expect(statements).toHaveLength(2);
    const organisations = result!.organisations.edges.map((e) => e.node);
    expect(organisations).toHaveLength(20);
    expect(organisations.some((o) => o.contacts.pageInfo.hasNextPage)).toBe(true);
    expect(organisations.some((o) => o.contacts.edges.length === 0)).toBe(true);
    for (const org of organisations) expect(org.contacts).toEqual(await alone(org.id, sort));
  },
);

it('counts every organisation’s contacts in one more statement', async () => {
  let result: Awaited<ReturnType<typeof nested>> | undefined;
  const statements = await sql.during(async () => {
    result = await nested('NAME_ASC', true);
  });
  expect(statements).toHaveLength(3);
  const [counts] = await Promise.all([
    app.infra.ds.query<{ id: string; n: number }[]>(
      `SELECT o.id, count(c.id)::int AS n FROM organisations o LEFT JOIN contacts c ON c.organisation_id = o.id
       WHERE o.user_id = $1 GROUP BY o.id`,
      [ada.user.id],
    ),
  ]);
  const expected = new Map(counts.map((r) => [r.id, r.n]));
  for (const { node } of result!.organisations.edges) expect(node.contacts.totalCount).toBe(expected.get(node.id));
});

it('pages on from a nested page’s end cursor through the single path, with nothing lost or repeated', async () => {
  const { organisations } = await nested('NAME_ASC', false);
  const busiest = organisations.edges.map((e) => e.node).find((o) => o.contacts.pageInfo.hasNextPage)!;
  const seen = busiest.contacts.edges.map((e) => e.node.id);
  let after = busiest.contacts.pageInfo.endCursor;
  while (after) {
    const next = await run<{ organisation: { contacts: ContactPage } }>(
      `query($id: ID!, $after: String) { organisation(id: $id) { contacts(first: 3, after: $after) { ${PAGE} } } }`,
      { id: busiest.id, after },
    );
    seen.push(...next.organisation.contacts.edges.map((e) => e.node.id));
    after = next.organisation.contacts.pageInfo.hasNextPage ? next.organisation.contacts.pageInfo.endCursor : null;
  }
  const all = await app.infra.ds.query<{ id: string }[]>(
    `SELECT id FROM contacts WHERE organisation_id = $1 ORDER BY lower(first_name || ' ' || coalesce(last_name, '')), id`,
    [busiest.id],
  );
  expect(seen).toEqual(all.map((r) => r.id));
});

it('reads only the contact columns the nested selection needs, with the same nodes as the single path', async () => {
  const narrow = await sql.during(() => nested('NAME_ASC', false));
  // id, the owner and the selected firstName; not the columns nobody asked for.
  expect(narrow[1]).toContain('"c"."first_name"');
  expect(narrow[1]).not.toContain('"c"."email"');
  expect(narrow[1]).not.toContain('"c"."notes"');

  // Computed fields and relations read the columns they need (fullName: first and last name,
  // organisation: its id), and answer as the top-level list does.
  const NODE = 'id fullName email stage tags organisation { id name }';
  let wide: { organisations: { edges: { node: { id: string; contacts: { edges: { node: unknown }[] } } }[] } };
  const statements = await sql.during(async () => {
    wide = await run(
      `{ organisations(first: 20) { edges { node { id contacts(first: 3) { edges { node { ${NODE} } } } } } } }`,
    );
  });
  expect(statements).toHaveLength(3); // the organisations, their contact pages, the contacts' organisations
  expect(statements[1]).toContain('"c"."last_name"');
  expect(statements[1]).not.toContain('"c"."notes"');
  for (const { node } of wide!.organisations.edges) {
    const { contacts } = await run<{ contacts: { edges: { node: unknown }[] } }>(
      `query($org: ID!) { contacts(first: 3, filter: { organisationId: $org }) { edges { node { ${NODE} } } } }`,
      { org: node.id },
    );
    expect(node.contacts.edges).toEqual(contacts.edges);
  }
});

it('shows no other user’s contacts under an organisation id', async () => {
  const eve = await signedInUser(app.url);
  const { organisations } = ok(
    await postRaw<{ organisations: { edges: { node: { contacts: ContactPage } }[] } }>(
      app.url,
      { query: `{ organisations(first: 20) { edges { node { contacts(first: 3) { ${PAGE} } } } } }` },
      { token: eve.token },
    ),
  );
  expect(organisations.edges).toEqual([]);
});

describe('meetings under a page of contacts or organisations', () => {
  beforeAll(async () => {
    // Every contact gets (its index % 4) meetings, two of them at the same instant (ties).
    await app.infra.ds.query(
      `WITH numbered AS (SELECT id, organisation_id, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE user_id = $1)
       INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone)
       SELECT $1, c.id, 'Person', c.organisation_id, 'Meeting ' || k,
              date_trunc('day', now()) + least(k, 2) * interval '1 day', date_trunc('day', now()) + least(k, 2) * interval '1 day' + interval '1 hour', 'UTC'
       FROM numbered c, generate_series(1, 3) k WHERE k <= c.n % 4`,
      [ada.user.id],
    );
  });

  const MEETINGS = 'edges { cursor node { id title startsAt } } pageInfo { hasNextPage endCursor }';
  interface MeetingPage {
    edges: { cursor: string; node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  }
  const single = async (filter: Record<string, string>) =>
    (
      await run<{ meetings: MeetingPage }>(
        `query($filter: MeetingFilter) { meetings(first: 2, sort: STARTS_AT_DESC, filter: $filter) { ${MEETINGS} } }`,
        { filter },
      )
    ).meetings;

  it('reads every contact’s latest meetings in one statement, as the meetings list would', async () => {
    let contacts: { id: string; meetings: MeetingPage }[] = [];
    const statements = await sql.during(async () => {
      const data = await run<{ contacts: { edges: { node: { id: string; meetings: MeetingPage } }[] } }>(
        `{ contacts(first: 40) { edges { node { id meetings(first: 2) { ${MEETINGS} } } } } }`,
      );
      contacts = data.contacts.edges.map((e) => e.node);
    });
    expect(statements).toHaveLength(2);
    expect(contacts.some((c) => c.meetings.pageInfo.hasNextPage)).toBe(true);
    for (const contact of contacts) expect(contact.meetings).toEqual(await single({ contactId: contact.id }));
  });

  it('does the same for organisations', async () => {
    const data = await run<{ organisations: { edges: { node: { id: string; meetings: MeetingPage } }[] } }>(
      `{ organisations(first: 20) { edges { node { id meetings(first: 2) { ${MEETINGS} } } } } }`,
    );
    for (const { node } of data.organisations.edges) {
      expect(node.meetings).toEqual(await single({ organisationId: node.id }));
    }
  });
});
