import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ok, postRaw } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';

// The to-many relations that are connections (Organisation.insights and .jobLeads,
// Contact.insights, .commitments and .introductions, Meeting.insights, .commitments and .jobLeads): under a page of parents, every parent's
// page is one statement, filter included, and matches what the table holds in the list's order;
// one parent's list pages on from its cursors forward and backward over the same items.

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  // 12 organisations with one contact each; the i-th has (i % 8) of each child, some created at
  // the same instant (ties on the sort), in alternating categories, owners and statuses.
  await app.infra.ds.query(
    `WITH orgs AS (
       INSERT INTO organisations (user_id, name) SELECT $1, 'Org ' || lpad(i::text, 2, '0') FROM generate_series(1, 12) i
       RETURNING id, substring(name from 5)::int AS n
     ), people AS (
       INSERT INTO contacts (user_id, first_name, organisation_id) SELECT $1, 'Lead ' || o.n, o.id FROM orgs o
       RETURNING id, organisation_id
     ), talks AS (
       INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone)
       SELECT $1, p.id, 'Lead', p.organisation_id, 'Talk', now() - interval '2 days', now() - interval '47 hours', 'UTC' FROM people p
       RETURNING id, contact_id
     ), items AS (
       SELECT p.id AS contact_id, p.organisation_id, t.id AS meeting_id, j,
              date_trunc('hour', now()) - (j / 2) * interval '1 minute' AS at
       FROM people p JOIN orgs o ON o.id = p.organisation_id JOIN talks t ON t.contact_id = p.id,
            generate_series(1, 7) j WHERE j <= o.n % 8
     ), ins AS (
       INSERT INTO insights (user_id, contact_id, organisation_id, meeting_id, category, text, created_at)
       SELECT $1, contact_id, organisation_id, meeting_id, (CASE WHEN j % 2 = 0 THEN 'SALARY' ELSE 'CULTURE' END)::topic, 'Insight ' || j, at FROM items
     ), com AS (
       INSERT INTO commitments (user_id, contact_id, meeting_id, owner, description, done_at, created_at)
       SELECT $1, contact_id, meeting_id, (CASE WHEN j % 2 = 0 THEN 'ME' ELSE 'CONTACT' END)::commitment_owner, 'Promise ' || j,
              CASE WHEN j % 3 = 0 THEN now() END, at FROM items
     ), leads AS (
       INSERT INTO job_leads (user_id, organisation_id, meeting_id, title, status, status_history, created_at)
       SELECT $1, organisation_id, meeting_id, 'Lead ' || j, (CASE WHEN j % 2 = 0 THEN 'APPLIED' ELSE 'INTERESTED' END)::job_lead_status, '[]', at FROM items
     )
     INSERT INTO contacts (user_id, first_name, last_name, introduced_by_id)
     SELECT $1, 'Zed', 'N' || (j % 3), contact_id FROM items`,
    [ada.user.id],
  );
});
afterAll(() => app.close());

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

const run = async <T>(query: string, variables: Record<string, unknown> = {}, token = ada.token) =>
  ok(await postRaw<T>(app.url, { query, variables }, { token }));

const PAGE = 'edges { cursor node { id } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** Each relation: its parent list, the field with its filter, and the SQL of what it must hold. */
const RELATIONS: { name: string; parents: string; field: string; single: string; args: string; expected: string }[] = [
  {
    name: 'Organisation.insights',
    parents: 'organisations(first: 20)',
    field: 'insights(first: 2, filter: { categories: [SALARY] })',
    single: 'organisation',
    args: 'filter: { categories: [SALARY] }',
    expected: `SELECT id FROM insights WHERE organisation_id = $1 AND category = 'SALARY' ORDER BY created_at DESC, id DESC`,
  },
  {
    name: 'Organisation.jobLeads',
    parents: 'organisations(first: 20)',
    field: 'jobLeads(first: 2, filter: { statuses: [INTERESTED] })',
    single: 'organisation',
    args: 'filter: { statuses: [INTERESTED] }',
    expected: `SELECT id FROM job_leads WHERE organisation_id = $1 AND status = 'INTERESTED' ORDER BY created_at DESC, id DESC`,
  },
  {
    name: 'Contact.insights',
    parents: 'contacts(first: 40)',
    field: 'insights(first: 2)',
    single: 'contact',
    args: '',
    expected: `SELECT id FROM insights WHERE contact_id = $1 ORDER BY created_at DESC, id DESC`,
  },
  {
    name: 'Contact.commitments',
    parents: 'contacts(first: 40)',
    field: 'commitments(first: 2, filter: { done: false, owners: [ME, CONTACT] })',
    single: 'contact',
    args: 'filter: { done: false, owners: [ME, CONTACT] }',
    expected: `SELECT id FROM commitments WHERE contact_id = $1 AND done_at IS NULL ORDER BY created_at DESC, id DESC`,
  },
  {
    name: 'Contact.introductions',
    parents: 'contacts(first: 40)',
    field: 'introductions(first: 2)',
    single: 'contact',
    args: '',
    expected: `SELECT id FROM contacts WHERE introduced_by_id = $1
               ORDER BY lower(first_name || ' ' || coalesce(last_name, '')), id`,
  },
  ...(['insights', 'commitments', 'jobLeads'] as const).map((field) => ({
    name: `Meeting.${field}`,
    parents: 'meetings(first: 40)',
    field: `${field}(first: 2)`,
    single: 'meeting',
    args: '',
    expected: `SELECT id FROM ${{ insights: 'insights', commitments: 'commitments', jobLeads: 'job_leads' }[field]}
               WHERE meeting_id = $1 ORDER BY created_at, id`,
  })),
];

const fieldName = (field: string) => field.slice(0, field.indexOf('('));
const expectedIds = async (query: string, parentId: string) =>
  (await app.infra.ds.query<{ id: string }[]>(query, [parentId])).map((r) => r.id);

describe.each(RELATIONS)('$name', (relation) => {
  const key = fieldName(relation.field);
  const page = (first: number, cursor: string) =>
    `${key}(${relation.args ? `${relation.args}, ` : ''}${cursor ? `${cursor}, ` : ''}first: ${first})`;

  it('reads every parent’s first page in one statement, and counts them all in one more', async () => {
    let parents: ({ id: string } & Record<string, Page>)[] = [];
    const statements = await sql.during(async () => {
      const data = await run<Record<string, { edges: { node: { id: string } & Record<string, Page> }[] }>>(
        `{ ${relation.parents} { edges { node { id ${relation.field} { ${PAGE} totalCount } } } } }`,
      );
      parents = Object.values(data)[0].edges.map((e) => e.node);
    });
    // The parents' page, one read for every parent's first page, one grouped count.
    expect(statements).toHaveLength(3);
    expect(parents.some((p) => p[key].pageInfo.hasNextPage)).toBe(true);
    expect(parents.some((p) => p[key].edges.length === 0)).toBe(true);
    for (const parent of parents) {
      const all = await expectedIds(relation.expected, parent.id);
      const got = parent[key];
      expect(got.edges.map((e) => e.node.id)).toEqual(all.slice(0, 2));
      expect(got.nodes).toEqual(got.edges.map((e) => e.node));
      expect(got.totalCount).toBe(all.length);
      expect(got.pageInfo).toMatchObject({ hasNextPage: all.length > 2, hasPreviousPage: false });
    }
  });

  it('walks one parent’s list forward and backward over the same items', async () => {
    const parents = await run<Record<string, { edges: { node: { id: string } & Record<string, Page> }[] }>>(
      `{ ${relation.parents} { edges { node { id ${relation.field} { totalCount } } } } }`,
    );
    const busiest = Object.values(parents)[0]
      .edges.map((e) => e.node)
      .sort((a, b) => b[key].totalCount - a[key].totalCount)[0];
    const read = async (cursor: string, variables: Record<string, string | null>) => {
      const declared = Object.keys(variables).map((v) => `, $${v}: String`);
      return (
        await run<Record<string, Record<string, Page>>>(
          `query($id: ID!${declared.join('')}) { ${relation.single}(id: $id) { ${page(2, cursor)} { ${PAGE} } } }`,
          { id: busiest.id, ...variables },
        )
      )[relation.single][key];
    };
    const forward: string[] = [];
    let next = await read('', {});
    expect(next.pageInfo.hasPreviousPage).toBe(false);
    forward.push(...next.nodes.map((n) => n.id));
    while (next.pageInfo.hasNextPage) {
      next = await read('after: $after', { after: next.pageInfo.endCursor });
      expect(next.pageInfo.hasPreviousPage).toBe(true);
      forward.push(...next.nodes.map((n) => n.id));
    }
    expect(forward).toEqual(await expectedIds(relation.expected, busiest.id));

    // Backward from the end: `last` alone reads the final items, `before` the ones above them.
    const backward: string[] = [];
    let previous = await read(`last: 2`, {});
    expect(previous.pageInfo.hasNextPage).toBe(false);
    backward.unshift(...previous.nodes.map((n) => n.id));
    while (previous.pageInfo.hasPreviousPage) {
      previous = await read('last: 2, before: $before', { before: previous.pageInfo.startCursor });
      expect(previous.pageInfo.hasNextPage).toBe(true);
      backward.unshift(...previous.nodes.map((n) => n.id));
    }
    expect(backward).toEqual(forward);
  });

  it('shows another user nothing, from a page or from one of our cursors', async () => {
    const eve = await signedInUser(app.url);
    const data = await run<Record<string, { edges: unknown[] }>>(
      `{ ${relation.parents} { edges { node { id ${relation.field} { ${PAGE} } } } } }`,
      {},
      eve.token,
    );
    expect(Object.values(data)[0].edges).toEqual([]);
    const ours = await run<Record<string, { edges: { node: { id: string } & Record<string, Page> }[] }>>(
      `{ ${relation.parents} { edges { node { id ${relation.field} { ${PAGE} } } } } }`,
    );
    const parent = Object.values(ours)[0].edges.find((e) => e.node[key].pageInfo.hasNextPage)!.node;
    const theirs = await run<Record<string, unknown>>(
      `query($id: ID!, $after: String) { ${relation.single}(id: $id) { ${page(2, 'after: $after')} { ${PAGE} } } }`,
      { id: parent.id, after: parent[key].pageInfo.endCursor },
      eve.token,
    );
    expect(theirs[relation.single]).toBeNull();
  });
});
