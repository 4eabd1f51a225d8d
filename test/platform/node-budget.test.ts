import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { postRaw } from '../helpers/graphql';

// A list without a page size (the people a contact suggested in a meeting) passes the cost
// estimate as a few items; the request's node budget counts what is really read and stops there.

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
    const [meeting] = await app.infra.ds.query<{ id: string }[]>(
      `INSERT INTO meetings (user_id, contact_id, contact_name, title, starts_at, ends_at, timezone)
       VALUES ($1, $2, 'Connector', 'Coffee', now() - interval '2 hours', now() - interval '1 hour', 'UTC') RETURNING id`,
      [ada.user.id, id],
    );
    await app.infra.ds.query(
      `INSERT INTO contacts (user_id, first_name, introduced_by_id, source_meeting_id)
       SELECT $1, 'Friend ' || i, $2, $3 FROM generate_series(1, $4::int) i`,
      [ada.user.id, id, meeting.id, n],
    );
    return meeting.id;
  };
  crowded = await introduce(150);
  quiet = await introduce(20);
});
afterAll(() => app.close());

const query = `query($id: ID!) { me { email } meeting(id: $id) { title referrals { id } } }`;
const ask = (id: string) =>
  postRaw<{ me: { email: string }; meeting: { referrals: unknown[] } | null }>(
    app.url,
    { query, variables: { id } },
    { token: ada.token },
  );

it('answers a request that stays within the budget in full', async () => {
  const res = await ask(quiet);
  expect(res.errors).toBeUndefined();
  expect(res.data?.meeting?.referrals).toHaveLength(20);
});

it('refuses the fields that would read past the budget, naming the limit, and answers the rest', async () => {
  const res = await ask(crowded);
  expect(res.status).toBe(200);
  expect(res.errors).toHaveLength(1);
  expect(res.errors?.[0]).toMatchObject({
    path: ['meeting', 'referrals'],
    extensions: { code: 'BAD_USER_INPUT', reason: 'NODE_LIMIT', limit: 100 },
  });
  expect(res.data?.me.email).toBe(ada.input.email);
  expect(res.data?.meeting).toBeNull();
});

it('gives every request its own budget', async () => {
  await ask(crowded);
  const res = await ask(quiet);
  expect(res.errors).toBeUndefined();
});
