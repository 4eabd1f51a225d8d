import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { registerUser } from '../helpers/factories';
import { execute } from '../helpers/graphql';
import { MeDocument, RefreshTokenDocument } from '../generated/graphql';

// Access tokens are checked without a database read per request; a suspension or a role change
// still cuts the account's earlier tokens off within a poll, on every API process.

let api: TestApp;
let replica: TestApp;
beforeAll(async () => {
  api = await startTestApp({ ACCESS_REVOCATION_POLL_MS: '100' });
  // A second API process on the same database and Redis (its own pool and token cache).
  replica = await startTestApp({ ACCESS_REVOCATION_POLL_MS: '100' }, { keepData: true });
});
afterAll(async () => {
  await replica.close();
  await api.close();
});

const me = (app: TestApp, token: string) => execute(app.url, MeDocument, undefined, { token });

it('refuses a suspended account’s access token on every replica, although it has not expired', async () => {
  const user = await registerUser(api.url);
  for (const app of [api, replica]) expect((await me(app, user.token)).data?.me?.id).toBe(user.user.id);

  await api.infra.ds.query('UPDATE users SET suspended_at = now() WHERE id = $1', [user.user.id]);
  for (const app of [api, replica]) {
    await eventually(async () => {
      const res = await me(app, user.token);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  }
  // And it cannot get a new one.
  const refreshed = await execute(api.url, RefreshTokenDocument, { refreshToken: user.refreshToken });
  expect(refreshed.errors?.[0].extensions?.code).toBeDefined();
  expect(refreshed.data?.refreshToken).toBeUndefined();
});

it('makes a re-roled account take a new token, which carries the new role', async () => {
  const user = await registerUser(api.url);
  await api.infra.ds.query(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [user.user.id]);
  await eventually(async () => {
    expect((await me(api, user.token)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
  // A token issued after the change works, with the role the database now holds.
  const { data } = await execute(api.url, RefreshTokenDocument, { refreshToken: user.refreshToken });
  const fresh = data!.refreshToken;
  expect(fresh.user.role).toBe('ADMIN');
  expect((await me(api, fresh.accessToken)).data?.me?.role).toBe('ADMIN');
});

it('leaves other accounts’ tokens alone', async () => {
  const bystander = await registerUser(api.url);
  const suspended = await registerUser(api.url);
  await api.infra.ds.query('UPDATE users SET suspended_at = now() WHERE id = $1', [suspended.user.id]);
  await eventually(async () => {
    expect((await me(api, suspended.token)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
  expect((await me(api, bystander.token)).data?.me?.id).toBe(bystander.user.id);
});
