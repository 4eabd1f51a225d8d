import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ok, postRaw } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';
import { MeetingsDocument } from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  // 60 meetings with 60 different contacts, each at one of 20 organisations.
  await app.infra.ds.query(
    `WITH orgs AS (
       INSERT INTO organisations (user_id, name) SELECT $1, 'Org ' || i FROM generate_series(1, 20) i RETURNING id
     ), numbered AS (SELECT id, row_number() OVER () AS n FROM orgs),
     people AS (
       INSERT INTO contacts (user_id, first_name, organisation_id)
       SELECT $1, 'Person ' || i, (SELECT id FROM numbered WHERE n = 1 + i % 20) FROM generate_series(1, 60) i
       RETURNING id, organisation_id
     )
     INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone)
     SELECT $1, p.id, 'Person', p.organisation_id, 'Meeting', now() + (row_number() OVER ()) * interval '1 day',
            now() + (row_number() OVER ()) * interval '1 day' + interval '1 hour', 'UTC'
     FROM people p`,
    [ada.user.id],
  );
  // 30 promises on 30 of those contacts: every 3rd done, every 4th the contact's, every 5th undated.
  await app.infra.ds.query(
    `INSERT INTO commitments (user_id, contact_id, owner, description, due_on, done_at)
     SELECT $1, c.id, CASE WHEN n % 4 = 0 THEN 'CONTACT'::commitment_owner ELSE 'ME'::commitment_owner END,
            'Promise ' || n, CASE WHEN n % 5 <> 0 THEN current_date + n::int END, CASE WHEN n % 3 = 0 THEN now() END
     FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE user_id = $1) c WHERE n <= 30`,
    [ada.user.id],
  );
});
afterAll(() => app.close());

const page = async (first: number) => {
  let size = 0;
  const statements = await sql.during(async () => {
    const { meetings } = await ada.ok(MeetingsDocument, { first });
    size = meetings.edges.length;
    expect(meetings.edges.every((e) => e.node.contact?.organisation?.name.startsWith('Org '))).toBe(true);
  });
  expect(size).toBe(first);
  return statements;
};

it('loads a page of meetings with contact, contact.organisation and organisation in a constant number of statements', async () => {
  const small = await page(5);
  const large = await page(50);
  expect(large.length).toBe(small.length);
  // The page, with contact, contact.organisation and organisation joined in, and its totalCount
  // in the same statement.
  expect(large.length).toBe(1);
});

const run = async <T>(query: string, variables: Record<string, unknown> = {}) =>
  ok(await postRaw<T>(app.url, { query, variables }, { token: ada.token }));

// The bench's Q4 (bench/queries.mjs): a client's home screen in one request.
const DASHBOARD = `query Q($from: DateTimeISO!, $to: DateTimeISO!) {
  me { id name weeklyMeetingGoal }
  thisWeek: meetings(first: 5, filter: {from: $from, to: $to, statuses: [SCHEDULED]}) {
    totalCount edges { node { id title startsAt contact { id fullName } organisation { id name } } } }
  openCommitments: commitments(first: 5, filter: {done: false, owner: ME}) {
    totalCount edges { node { id description dueOn contact { id fullName } } } } }`;

interface Dashboard {
  me: { id: string };
  thisWeek: { totalCount: number; edges: { node: { id: string; contact: { fullName: string } | null } }[] };
  openCommitments: { totalCount: number; edges: { node: { id: string; contact: { fullName: string } | null } }[] };
}

it('answers the home dashboard in four statements: me, each page with its count, the promises’ contacts', async () => {
  const week = { from: new Date().toISOString(), to: new Date(Date.now() + 7 * 86_400_000).toISOString() };
  let result: Dashboard | undefined;
  const statements = await sql.during(async () => {
    result = await run<Dashboard>(DASHBOARD, week);
  });
  expect(statements).toHaveLength(4);
  const [[meetings], [open]] = await Promise.all([
    app.infra.ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM meetings WHERE user_id = $1 AND status = 'SCHEDULED' AND ends_at > $2 AND starts_at < $3`,
      [ada.user.id, week.from, week.to],
    ),
    app.infra.ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM commitments WHERE user_id = $1 AND owner = 'ME' AND done_at IS NULL`,
      [ada.user.id],
    ),
  ]);
  expect(result!.me.id).toBe(ada.user.id);
  expect(meetings.n).toBeGreaterThan(5);
  expect(result!.thisWeek.totalCount).toBe(meetings.n);
  expect(result!.thisWeek.edges).toHaveLength(5);
  expect(open.n).toBeGreaterThan(5);
  expect(result!.openCommitments.totalCount).toBe(open.n);
  expect(result!.openCommitments.edges).toHaveLength(5);
  expect(result!.openCommitments.edges.every((e) => e.node.contact?.fullName.startsWith('Person '))).toBe(true);
});

it('reads meetings over a time window on the API’s generic-plan connections', async () => {
  const { thisWeek } = await run<Dashboard>(DASHBOARD, {
    from: new Date().toISOString(),
    to: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  });
  expect(thisWeek.totalCount).toBeGreaterThan(0);
  const [{ mode }] = await app.infra.ds.query<{ mode: string }[]>(
    `SELECT (SELECT setting FROM pg_settings WHERE name = 'plan_cache_mode') AS mode`,
  );
  // TypeORM's own connections keep PostgreSQL's choice; the window went to the other pool.
  expect(mode).toBe('auto');
  const [{ n }] = await app.infra.ds.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'rapport-api-generic'`,
  );
  expect(n).toBeGreaterThan(0);
});

it('counts a page that comes back empty after a cursor with a statement of its own, and the same total', async () => {
  const all = await run<{ commitments: { totalCount: number; pageInfo: { endCursor: string } } }>(
    `{ commitments(first: 100) { totalCount pageInfo { endCursor } } }`,
  );
  let after: { commitments: { totalCount: number; edges: unknown[] } } | undefined;
  const statements = await sql.during(async () => {
    after = await run(
      `query($after: String) { commitments(first: 5, after: $after) { totalCount edges { cursor } } }`,
      {
        after: all.commitments.pageInfo.endCursor,
      },
    );
  });
  expect(all.commitments.totalCount).toBe(30);
  expect(after!.commitments.edges).toHaveLength(0);
  expect(after!.commitments.totalCount).toBe(30);
  expect(statements).toHaveLength(2);
});

it('reads a page of 20 organisations with 20 contacts each in two statements', async () => {
  let result: { organisations: { edges: { node: { contacts: { edges: unknown[] } } }[] } } | undefined;
  const statements = await sql.during(async () => {
    result = await run(
      `{ organisations(first: 20) { edges { node { id name contacts(first: 20) { edges { node { id fullName } } } } } } }`,
    );
  });
  // The organisations page, and one read for all twenty contact pages.
  expect(statements).toHaveLength(2);
  const pages = result!.organisations.edges.map((e) => e.node.contacts.edges.length);
  expect(pages).toHaveLength(20);
  expect(pages.reduce((a, b) => a + b, 0)).toBe(60);
});
