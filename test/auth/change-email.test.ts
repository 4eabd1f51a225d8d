import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { PASSWORD, signedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { ChangeEmailDocument, LoginDocument, MyAccountDocument, VerifyEmailDocument } from '../generated/graphql';

const PUBLIC_URL = 'https://rapport.example.test';
let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL });
  sink = await startSmtpSink();
  worker = await startEmailWorker(app, sink.url, { PUBLIC_URL });
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

const fresh = () => `moved-${randomUUID().slice(0, 8)}@example.test`;
const mailTo = (address: string, subject: string) =>
  sink.messages.filter((m) => m.envelope.to.includes(address) && m.parsed.subject === subject);
const tokenFor = async (address: string) => {
  const mail = await eventually(() => mailTo(address, 'Verify your email address for Rapport')[0] ?? false);
  return decodeURIComponent(/verify-email\?token=(\S+)/.exec(mail.parsed.text ?? '')![1]);
};
const login = (email: string) => execute(app.url, LoginDocument, { email, password: PASSWORD });

it('moves the account only once the new address is verified, takes its reminders along, and tells the old address', async () => {
  const user = await signedInUser(app.url);
  const old = user.input.email;
  const next = fresh();
  // A reminder to the user still to come, to the old address.
  const reminderId = randomUUID();
  await app.infra.ds.query(
    `INSERT INTO scheduled_emails (id, user_id, kind, dedupe_key, to_email, subject, send_at, message_id)
     VALUES ($1, $2, 'KEEP_IN_TOUCH_DIGEST', $3, $4, 'Keep in touch', now() + interval '1 day', $5)`,
    [reminderId, user.user.id, `test:${reminderId}`, old, `<${reminderId}@rapport.example.test>`],
  );

  const { changeEmail } = await user.ok(ChangeEmailDocument, { newEmail: next.toUpperCase(), password: PASSWORD });
  expect(changeEmail).toMatchObject({ email: old, pendingEmail: next, emailVerified: true });
  expect((await login(old)).data?.login).toBeTruthy();

  const token = await tokenFor(next);
  expect((await execute(app.url, VerifyEmailDocument, { token })).data?.verifyEmail).toBe(true);
  expect((await user.ok(MyAccountDocument)).me).toMatchObject({ email: next, emailVerified: true });
  expect((await login(next)).data?.login).toBeTruthy();
  expect((await login(old)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

  const notice = await eventually(
    () => mailTo(old, 'The email address of your Rapport account was changed')[0] ?? false,
  );
  expect(notice.parsed.text).not.toContain(next);
  const [reminder] = await app.infra.ds.query<{ to_email: string }[]>(
    'SELECT to_email FROM scheduled_emails WHERE id = $1',
    [reminderId],
  );
  expect(reminder.to_email).toBe(next);
  // Single-use.
  expect(errorOf(await execute(app.url, VerifyEmailDocument, { token })).extensions).toMatchObject({
    fields: [{ field: 'input.token' }],
  });
});

it('checks the password and the address, naming the argument', async () => {
  const user = await signedInUser(app.url);
  const wrong = errorOf(await user.run(ChangeEmailDocument, { newEmail: fresh(), password: 'not my password' }));
  expect(wrong.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.password' }] });
  for (const newEmail of ['not an address', user.input.email, `${'a'.repeat(250)}@example.test`]) {
    const bad = errorOf(await user.run(ChangeEmailDocument, { newEmail, password: PASSWORD }));
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.newEmail' }] });
  }
});

it('says nothing about an address another account has, and the move then fails at verification', async () => {
  const owner = await signedInUser(app.url);
  const user = await signedInUser(app.url);
  const { changeEmail } = await user.ok(ChangeEmailDocument, { newEmail: owner.input.email, password: PASSWORD });
  expect(changeEmail.pendingEmail).toBe(owner.input.email);
  const token = await tokenFor(owner.input.email);
  const refused = errorOf(await execute(app.url, VerifyEmailDocument, { token }));
  expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.token' }] });
  expect((await user.ok(MyAccountDocument)).me.email).toBe(user.input.email);
});

it('a link to an address the account no longer asks for verifies nothing; mail to one address is throttled', async () => {
  const user = await signedInUser(app.url);
  const first = fresh();
  await user.ok(ChangeEmailDocument, { newEmail: first, password: PASSWORD });
  const stale = await tokenFor(first);
  const second = fresh();
  await user.ok(ChangeEmailDocument, { newEmail: second, password: PASSWORD });
  expect(errorOf(await execute(app.url, VerifyEmailDocument, { token: stale })).extensions).toMatchObject({
    fields: [{ field: 'input.token' }],
  });
  expect((await user.ok(MyAccountDocument)).me.email).toBe(user.input.email);

  // The second address has had one; two more, then RATE_LIMITED.
  for (let i = 0; i < 2; i++) await user.ok(ChangeEmailDocument, { newEmail: second, password: PASSWORD });
  const limited = errorOf(await user.run(ChangeEmailDocument, { newEmail: second, password: PASSWORD }));
  expect(limited.extensions).toMatchObject({ code: 'RATE_LIMITED' });
});
