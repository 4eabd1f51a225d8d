import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { PASSWORD, signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import {
  ChangePasswordDocument,
  LoginDocument,
  MeDocument,
  RefreshTokenDocument,
  RevokeOtherSessionsDocument,
  RevokeSessionDocument,
  SessionsDocument,
} from '../generated/graphql';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ ACCESS_REVOCATION_POLL_MS: '100' });
});
afterAll(() => app.close());

/** Signs in again as `user` from another device. */
async function device(user: SignedInUser, userAgent: string) {
  const res = await execute(
    app.url,
    LoginDocument,
    { email: user.input.email, password: PASSWORD },
    { headers: { 'user-agent': userAgent } },
  );
  return res.data!.login;
}
const sessionsOf = async (token: string) =>
  (await execute(app.url, SessionsDocument, undefined, { token })).data!.sessions;
const refresh = (refreshToken: string) => execute(app.url, RefreshTokenDocument, { refreshToken });
const me = (token: string) => execute(app.url, MeDocument, undefined, { token });

it('lists each sign-in with its device, address and times, the current one marked', async () => {
  const user = await signedInUser(app.url);
  const phone = await device(user, 'Phone/1.0');
  // A refresh keeps the session: it is still one, last used later.
  const refreshed = (
    await execute(
      app.url,
      RefreshTokenDocument,
      { refreshToken: phone.refreshToken },
      { headers: { 'user-agent': 'Phone/1.1' } },
    )
  ).data!.refreshToken;

  const sessions = await sessionsOf(refreshed.accessToken);
  expect(sessions).toHaveLength(2);
  const [latest, first] = sessions;
  // The device as it was last seen (the app updated meanwhile).
  expect(latest).toMatchObject({ userAgent: 'Phone/1.1', ip: expect.stringContaining('127.0.0.1'), current: true });
  expect(new Date(latest.lastUsedAt).getTime()).toBeGreaterThan(new Date(latest.createdAt).getTime());
  expect(first.current).toBe(false);
  expect((await sessionsOf(user.token)).find((s) => s.current)?.id).toBe(first.id);
});

it('revokes one session (never another user’s) and every other session', async () => {
  const user = await signedInUser(app.url);
  const laptop = await device(user, 'Laptop/1.0');
  const tablet = await device(user, 'Tablet/1.0');
  const other = await signedInUser(app.url);
  const [laptopSession] = (await sessionsOf(laptop.accessToken)).filter((s) => s.current);

  expect(errorOf(await other.run(RevokeSessionDocument, { id: laptopSession.id })).extensions?.code).toBe('NOT_FOUND');
  expect((await refresh(laptop.refreshToken)).data).toBeTruthy();

  const laptop2 = (await execute(app.url, LoginDocument, { email: user.input.email, password: PASSWORD })).data!.login;
  expect((await user.ok(RevokeSessionDocument, { id: laptopSession.id })).revokeSession).toBe(true);
  expect((await refresh(laptop.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(errorOf(await user.run(RevokeSessionDocument, { id: laptopSession.id })).extensions?.code).toBe('NOT_FOUND');

  // From the tablet: everything else ends (the registration and the second laptop sign-in).
  const ended = await execute(app.url, RevokeOtherSessionsDocument, undefined, { token: tablet.accessToken });
  expect(ended.data?.revokeOtherSessions).toBe(2);
  expect((await refresh(laptop2.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect((await refresh(user.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  const left = await sessionsOf(tablet.accessToken);
  expect(left.map((s) => s.current)).toEqual([true]);
  expect((await refresh(tablet.refreshToken)).data?.refreshToken).toBeTruthy();
});

it('changePassword keeps this session (with a new pair) and signs every other out, access tokens included', async () => {
  const user = await signedInUser(app.url);
  const other = await device(user, 'Other/1.0');

  const wrong = errorOf(
    await user.run(ChangePasswordDocument, { currentPassword: 'not my password', newPassword: 'a new passphrase' }),
  );
  expect(wrong.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.currentPassword' }] });
  const short = errorOf(await user.run(ChangePasswordDocument, { currentPassword: PASSWORD, newPassword: 'short' }));
  expect(short.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.newPassword' }] });

  const { changePassword } = await user.ok(ChangePasswordDocument, {
    currentPassword: PASSWORD,
    newPassword: 'a new passphrase',
  });
  // The other device: its refresh token at once, its access token within a poll.
  expect((await refresh(other.refreshToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  await eventually(async () =>
    expect((await me(other.accessToken)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED'),
  );
  // This session goes on with the new pair; its old tokens are retired.
  expect((await me(changePassword.accessToken)).data?.me.id).toBe(user.user.id);
  await eventually(async () => expect((await me(user.token)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED'));
  expect((await refresh(changePassword.refreshToken)).data?.refreshToken).toBeTruthy();
  expect(
    (await execute(app.url, LoginDocument, { email: user.input.email, password: 'a new passphrase' })).data?.login,
  ).toBeTruthy();
});
