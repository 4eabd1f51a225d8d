import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { postRaw } from '../helpers/graphql';

// A list without a page size (a contact's introductions) passes the cost estimate as a few
// items; the request's node budget counts what is really read and stops there.

let app: TestApp;
let ada: SignedInUser;
let crowded: string;
let quiet: string;

beforeAll(async () => {
  app = await startTestApp({ GRAPHQL_MAX_NODES: '100' });
  ada = await signedInUser(app.url);
  const introduce = async (n: number) => {
    const [{ id }] = await app.infra.ds.query<{ id: string }[]>(
      `INSERT INTO contacts (user_id, first_name) VALUES ($1, 'Connector') RETURNING id`,
      [ada.user.id],
    );
    await app.infra.ds.query(
      `INSERT INTO contacts (user_id, first_name, introduced_by_id) SELECT $1, 'Friend ' || i, $2 FROM generate_series(1, $3::int) i`,
      [ada.user.id, id, n],
    );
    return id;
  };
  crowded = await introduce(150);
  quiet = await introduce(20);
});
afterAll(() => app.close());

const query = `query($id: ID!) { me { email } contact(id: $id) { firstName introductions { id } } }`;
const ask = (id: string) =>
  postRaw<{ me: { email: string }; contact: { introductions: unknown[] } | null }>(
    app.url,
    { query, variables: { id } },
    { token: ada.token },
  );

it('answers a request that stays within the budget in full', async () => {
  const res = await ask(quiet);
  expect(res.errors).toBeUndefined();
  expect(res.data?.contact?.introductions).toHaveLength(20);
});

it('refuses the fields that would read past the budget, naming the limit, and answers the rest', async () => {
  const res = await ask(crowded);
  expect(res.status).toBe(200);
  expect(res.errors).toHaveLength(1);
  expect(res.errors?.[0]).toMatchObject({
    path: ['contact', 'introductions'],
    extensions: { code: 'BAD_USER_INPUT', reason: 'NODE_LIMIT', limit: 100 },
  });
  expect(res.data?.me.email).toBe(ada.input.email);
  expect(res.data?.contact).toBeNull();
});

it('gives every request its own budget', async () => {
  await ask(crowded);
  const res = await ask(quiet);
  expect(res.errors).toBeUndefined();
});
