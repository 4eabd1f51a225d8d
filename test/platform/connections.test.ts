import { adminUser } from '../helpers/admin';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, ok, postRaw } from '../helpers/graphql';

// Connections page forward with first/after and, on the lists a client shows newest first,
// backward with last/before: both walks give the same items, and pageInfo says exactly whether
// items lie before and after each page. `first` may be null (the default page size).

let app: TestApp;
let ada: SignedInUser;
let contactId: string;

beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
  [{ id: contactId }] = await app.infra.ds.query<{ id: string }[]>(
    `INSERT INTO contacts (user_id, first_name) VALUES ($1, 'Grace') RETURNING id`,
    [ada.user.id],
  );
  // A timeline of 9 meetings and 8 logged interactions, some at the same instant (ties).
  await app.infra.ds.query(
    `INSERT INTO meetings (user_id, contact_id, contact_name, title, starts_at, ends_at, timezone)
     SELECT $1, $2, 'Grace', 'Meeting ' || i, date_trunc('hour', now()) - (i / 2) * interval '1 day',
            date_trunc('hour', now()) - (i / 2) * interval '1 day' + interval '1 hour', 'UTC'
     FROM generate_series(1, 9) i`,
    [ada.user.id, contactId],
  );
  await app.infra.ds.query(
    `INSERT INTO interactions (user_id, contact_id, note, occurred_at)
     SELECT $1, $2, 'Note ' || i, date_trunc('hour', now()) - (i / 2) * interval '1 day' FROM generate_series(1, 8) i`,
    [ada.user.id, contactId],
  );
  await app.infra.ds.query(
    `INSERT INTO insights (user_id, contact_id, category, text, created_at)
     SELECT $1, $2, 'SALARY', 'Insight ' || i, now() - (i / 3) * interval '1 hour' FROM generate_series(1, 11) i`,
    [ada.user.id, contactId],
  );
});
afterAll(() => app.close());

interface Page {
  nodes: { id: string }[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}
const PAGE = 'nodes { id } totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** Reads one page of a list: `args` are its page arguments, `path` finds the connection in the data. */
type Reader = (args: string, variables: Record<string, string | null>) => Promise<Page>;

function reader(token: string, field: (args: string) => string, path: (data: never) => Page): Reader {
  return async (args, variables) => {
    const declared = Object.keys(variables).map((v) => `$${v}: String`);
    const query = `query${declared.length ? `(${declared.join(', ')})` : ''} { ${field(args)} }`;
    return path(ok(await postRaw<never>(app.url, { query, variables }, { token })));
  };
}

/** Every id, forward in pages of `size`, then backward from the end: both must agree. */
async function walkBothWays(read: Reader, size: number) {
  const forward: string[] = [];
  let page = await read(`first: ${size}`, {});
  expect(page.pageInfo.hasPreviousPage).toBe(false);
  forward.push(...page.nodes.map((n) => n.id));
  while (page.pageInfo.hasNextPage) {
    page = await read(`first: ${size}, after: $after`, { after: page.pageInfo.endCursor });
    expect(page.pageInfo.hasPreviousPage).toBe(true);
    forward.push(...page.nodes.map((n) => n.id));
  }
  const backward: string[] = [];
  page = await read(`last: ${size}`, {});
  expect(page.pageInfo.hasNextPage).toBe(false);
  backward.unshift(...page.nodes.map((n) => n.id));
  while (page.pageInfo.hasPreviousPage) {
    page = await read(`last: ${size}, before: $before`, { before: page.pageInfo.startCursor });
    expect(page.pageInfo.hasNextPage).toBe(true);
    backward.unshift(...page.nodes.map((n) => n.id));
  }
  expect(new Set(forward).size).toBe(forward.length);
  expect(backward).toEqual(forward);
  expect(forward).toHaveLength(page.totalCount);
  return forward;
}

it('walks a contact’s timeline both ways, as a query and as a field', async () => {
  const query = reader(
    ada.token,
    (args) => `interactions(contactId: "${contactId}", ${args}) { ${PAGE} }`,
    (d: { interactions: Page }) => d.interactions,
  );
  const field = reader(
    ada.token,
    (args) => `contact(id: "${contactId}") { interactions(${args}) { ${PAGE} } }`,
    (d: { contact: { interactions: Page } }) => d.contact.interactions,
  );
  const all = await walkBothWays(query, 4);
  expect(all).toHaveLength(17);
  expect(await walkBothWays(field, 5)).toEqual(all);
  expect(await walkBothWays(query, 17)).toEqual(all);
});

it('walks the insights list both ways', async () => {
  const read = reader(
    ada.token,
    (args) => `insights(${args}) { ${PAGE} }`,
    (d: { insights: Page }) => d.insights,
  );
  const all = await walkBothWays(read, 3);
  const stored = await app.infra.ds.query<{ id: string }[]>(
    `SELECT id FROM insights WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
    [ada.user.id],
  );
  expect(all).toEqual(stored.map((r) => r.id));
});

it('walks the administrators’ account list both ways', async () => {
  const admin = await adminUser(app);
  await Promise.all([1, 2, 3].map(() => signedInUser(app.url)));
  const read = reader(
    admin.token,
    (args) => `adminUsers(${args}) { ${PAGE} }`,
    (d: { adminUsers: Page }) => d.adminUsers,
  );
  expect((await walkBothWays(read, 2)).length).toBeGreaterThanOrEqual(5);
});

it('takes a null first as the default page size', async () => {
  const { insights } = ok(
    await postRaw<{ insights: Page }>(
      app.url,
      { query: `{ insights(first: null) { ${PAGE} } }` },
      { token: ada.token },
    ),
  );
  expect(insights.nodes).toHaveLength(11);
  const { contact } = ok(
    await postRaw<{ contact: { interactions: Page } }>(
      app.url,
      {
        query: `query($id: ID!) { contact(id: $id) { interactions(first: null) { ${PAGE} } } }`,
        variables: { id: contactId },
      },
      { token: ada.token },
    ),
  );
  expect(contact.interactions.nodes).toHaveLength(17);
});

it('refuses both cursors at once, a page over the limit and a cursor from another list, naming the argument', async () => {
  const { insights } = ok(
    await postRaw<{ insights: Page }>(app.url, { query: `{ insights(first: 2) { ${PAGE} } }` }, { token: ada.token }),
  );
  const cursor = insights.pageInfo.endCursor;
  const ask = (args: string) =>
    postRaw(
      app.url,
      {
        query: `query($c: String) { interactions(contactId: "${contactId}", ${args}) { ${PAGE} } }`,
        variables: { c: cursor },
      },
      { token: ada.token },
    );
  expect(errorOf(await ask('after: $c, before: $c'))).toMatchObject({
    extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'before' }] },
  });
  expect(errorOf(await ask('last: 101, before: $c')).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(errorOf(await ask('last: 2, before: $c'))).toMatchObject({
    extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'before' }] },
  });
});
