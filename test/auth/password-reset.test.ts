import { randomUUID } from 'node:crypto';
import { AccountTokenPurpose } from '../../src/modules/auth/account-token.entity';
import { mintAccountToken } from '../../src/modules/auth/account-tokens';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { PASSWORD, signedInUser, unverifiedUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CalendarFeedUrlDocument,
  LoginDocument,
  MeDocument,
  MyAccountDocument,
  RefreshTokenDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
} from '../generated/graphql';

const PUBLIC_URL = 'https://rapport.example.test';
const NEW_PASSWORD = 'a brand new passphrase';
let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL, ACCESS_REVOCATION_POLL_MS: '100' });
  sink = await startSmtpSink();
  worker = await startEmailWorker(app, sink.url, { PUBLIC_URL });
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

const request = (email: string) => execute(app.url, RequestPasswordResetDocument, { email });
const reset = (token: string, newPassword = NEW_PASSWORD) =>
  execute(app.url, ResetPasswordDocument, { token, newPassword });
const resetMails = (address: string) =>
  sink.messages.filter((m) => m.envelope.to.includes(address) && m.parsed.subject === 'Reset your Rapport password');
const nobody = () => `nobody-${randomUUID().slice(0, 8)}@example.test`;

it('answers the same whether or not an account exists, mails only the account, and the emailed token resets once, signing every session out', async () => {
  const user = await unverifiedUser(app);
  const stranger = nobody();
  const [forAccount, forNobody] = [await request(user.input.email.toUpperCase()), await request(stranger)];
  expect(forAccount).toMatchObject({ data: { requestPasswordReset: true } });
  expect(forNobody.data).toEqual(forAccount.data);
  expect(forNobody.errors).toEqual(forAccount.errors);

  const mail = await eventually(() => resetMails(user.input.email)[0] ?? false);
  expect(mail.parsed.text).toContain(`${PUBLIC_URL}/reset-password?token=`);
  expect(mail.parsed.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(true);
  const token = decodeURIComponent(/reset-password\?token=(\S+)/.exec(mail.parsed.text ?? '')![1]);
  expect(token).toMatch(/^pr_/);
  const [{ n }] = await app.infra.ds.query<{ n: string }[]>(
    `SELECT (SELECT count(*) FROM scheduled_emails s WHERE s::text LIKE '%' || $1 || '%')
          + (SELECT count(*) FROM email_events e WHERE e::text LIKE '%' || $1 || '%')
          + (SELECT count(*) FROM account_tokens t WHERE t::text LIKE '%' || $1 || '%') AS n`,
    [token],
  );
  expect(Number(n)).toBe(0);

  const feed = (await user.ok(CalendarFeedUrlDocument)).calendarFeedUrl.replace(PUBLIC_URL, app.url);
  expect((await fetch(feed)).status).toBe(200);

  expect((await reset(token)).data?.resetPassword).toBe(true);
  // The calendar feed's secret URL is replaced as well.
  expect((await fetch(feed)).status).toBe(404);
  // Every session is over: the refresh token at once, the access token within a poll.
  expect(
    (await execute(app.url, RefreshTokenDocument, { refreshToken: user.refreshToken })).errors?.[0].extensions?.code,
  ).toBe('UNAUTHENTICATED');
  await eventually(async () => {
    const res = await execute(app.url, MeDocument, undefined, { token: user.token });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
  const old = await execute(app.url, LoginDocument, { email: user.input.email, password: PASSWORD });
  expect(old.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  const signedIn = await execute(app.url, LoginDocument, { email: user.input.email, password: NEW_PASSWORD });
  const fresh = signedIn.data!.login.accessToken;
  // The link reached the address: it counts as verified.
  expect((await execute(app.url, MyAccountDocument, undefined, { token: fresh })).data?.me.emailVerified).toBe(true);

  // Single-use.
  expect(errorOf(await reset(token, 'yet another passphrase')).extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ field: 'input.token' }],
  });
  expect(resetMails(stranger)).toEqual([]);
});

it('the link’s page asks for the new password (GET changes nothing) and sets it on POST', async () => {
  const user = await signedInUser(app.url);
  await request(user.input.email);
  const mail = await eventually(() => resetMails(user.input.email)[0] ?? false);
  const link = /https:\/\/\S+\/reset-password\?token=\S+/.exec(mail.parsed.text ?? '')![0].replace(PUBLIC_URL, app.url);
  const page = await fetch(link);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('name="newPassword"');
  const post = (password: string) =>
    fetch(link, { method: 'POST', body: new URLSearchParams({ newPassword: password }) });
  expect((await post('short')).status).toBe(400);
  expect((await post(NEW_PASSWORD)).status).toBe(200);
  expect(
    (await execute(app.url, LoginDocument, { email: user.input.email, password: NEW_PASSWORD })).data?.login,
  ).toBeTruthy();
  expect((await post('and again, another one')).status).toBe(400);
});

it('refuses an unknown or expired token and a bad new password, naming the argument', async () => {
  const user = await signedInUser(app.url);
  const { token } = await mintAccountToken(app.infra.ds.manager, {
    userId: user.user.id,
    purpose: AccountTokenPurpose.RESET_PASSWORD,
    email: user.input.email,
  });
  expect(errorOf(await reset(token, 'short')).extensions).toMatchObject({ fields: [{ field: 'input.newPassword' }] });
  // A verification token is not a reset token.
  const verification = await mintAccountToken(app.infra.ds.manager, {
    userId: user.user.id,
    purpose: AccountTokenPurpose.VERIFY_EMAIL,
    email: user.input.email,
  });
  await app.infra.ds.query(
    `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND purpose = 'RESET_PASSWORD'`,
    [user.user.id],
  );
  for (const bad of ['pr_nope', token, verification.token]) {
    expect(errorOf(await reset(bad)).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.token' }],
    });
  }
  // Nothing changed: the old password still works.
  expect(
    (await execute(app.url, LoginDocument, { email: user.input.email, password: PASSWORD })).data?.login,
  ).toBeTruthy();
});

it('throttles per address the same way for an account and for nobody, and per IP', async () => {
  const user = await signedInUser(app.url);
  for (const address of [user.input.email, nobody()]) {
    for (let i = 0; i < 3; i++) expect((await request(address)).data?.requestPasswordReset).toBe(true);
    expect(errorOf(await request(address)).extensions).toMatchObject({ code: 'RATE_LIMITED' });
  }
  await eventually(() => resetMails(user.input.email).length === 3);

  // From one IP, fresh addresses: refused once the IP's allowance (20 an hour) is spent.
  let answered = 0;
  let refused = null;
  for (let i = 0; i < 25 && !refused; i++) {
    const res = await request(nobody());
    if (res.errors) refused = errorOf(res);
    else answered++;
  }
  expect(refused?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  expect(answered).toBeLessThanOrEqual(20);
});
