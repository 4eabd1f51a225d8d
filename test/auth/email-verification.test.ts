import { randomUUID } from 'node:crypto';
import { AccountTokenPurpose } from '../../src/modules/auth/account-token.entity';
import { mintAccountToken } from '../../src/modules/auth/account-tokens';
import { sendJobId } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, unverifiedUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CreateContactDocument,
  HeldEmailsDocument,
  MyAccountDocument,
  RequestMeetingDocument,
  ResendVerificationEmailDocument,
  UpdateEmailTemplateDocument,
  UpdateProfileDocument,
  UpdateScheduledEmailDocument,
  VerifyEmailDocument,
} from '../generated/graphql';

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

const newUnverified = (overrides: { timezone?: string } = {}) => unverifiedUser(app, { timezone: 'UTC', ...overrides });
const mailTo = (address: string) => sink.messages.filter((m) => m.envelope.to.includes(address));
const tokenIn = (text: string) => /verify-email\?token=([A-Za-z0-9_%-]+)/.exec(text)?.[1];
const verify = (token: string) => execute(app.url, VerifyEmailDocument, { token });

async function heldOutreach(user: SignedInUser, to: string) {
  await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
  const { createContact } = await user.ok(CreateContactDocument, { input: { firstName: 'Grace', email: to } });
  await user.ok(RequestMeetingDocument, { contactId: createContact.id, message: 'Could we talk?' });
  const emails = (await user.ok(HeldEmailsDocument, { filter: { kinds: ['OUTREACH'] } })).scheduledEmails.edges;
  return emails.map((e) => e.node)[0];
}

/** Every readable trace of `token` in the tables an API or worker writes. */
async function tracesOf(token: string): Promise<number> {
  const [row] = await app.infra.ds.query<{ n: number }[]>(
    `SELECT (SELECT count(*) FROM scheduled_emails s WHERE s::text LIKE '%' || $1 || '%')
          + (SELECT count(*) FROM email_events e WHERE e::text LIKE '%' || $1 || '%')
          + (SELECT count(*) FROM account_tokens t WHERE t::text LIKE '%' || $1 || '%')
          + (SELECT count(*) FROM users u WHERE u::text LIKE '%' || $1 || '%') AS n`,
    [token],
  );
  return Number(row.n);
}

it('holds an unverified account’s outreach visibly, then sends it once the link from the real email is used', async () => {
  const user = await newUnverified();
  expect((await user.ok(MyAccountDocument)).me.emailVerified).toBe(false);

  // The verification email arrives, unsubscribable like every email, with the token in its link.
  const mail = await eventually(() => mailTo(user.input.email)[0] ?? false);
  expect(mail.parsed.subject).toBe('Verify your email address for Rapport');
  const header = (key: string) => mail.parsed.headerLines.find((h) => h.key === key)?.line;
  expect(header('list-unsubscribe')).toMatch(/<https:\/\/rapport\.example\.test\/unsubscribe\//);
  expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  expect(mail.parsed.text).toContain('https://rapport.example.test/unsubscribe/');
  expect(mail.parsed.text).not.toContain(user.input.name);
  expect(mail.parsed.text).toContain(`${PUBLIC_URL}/verify-email?token=`);
  const token = decodeURIComponent(tokenIn(mail.parsed.text ?? '')!);
  expect(token).toMatch(/^ev_/);
  // Stored only as a hash: not in the outbox, its events, the token table or the user.
  expect(await tracesOf(token)).toBe(0);
  const listed = (await user.ok(HeldEmailsDocument, { filter: { kinds: ['EMAIL_VERIFICATION'] } })).scheduledEmails;
  expect(JSON.stringify(listed)).not.toContain(token);

  const to = `grace-${randomUUID().slice(0, 8)}@example.test`;
  const outreach = await heldOutreach(user, to);
  expect(outreach).toMatchObject({ status: 'PENDING', heldReason: 'EMAIL_NOT_VERIFIED' });
  // Its timer fires and finds it held; the reconciler does not re-queue it, period after period.
  await worker.waitProcessed(sendJobId(outreach.id, new Date(outreach.sendAt)));
  expect((await worker.reconciler.sweep()).requeued).toBe(0);
  expect(mailTo(to)).toEqual([]);

  expect((await verify(token)).data?.verifyEmail).toBe(true);
  expect((await user.ok(MyAccountDocument)).me.emailVerified).toBe(true);
  const sent = await eventually(() => mailTo(to)[0] ?? false);
  expect(sent.parsed.text).toContain('Could we talk?');
  const [after] = (await user.ok(HeldEmailsDocument, { filter: { kinds: ['OUTREACH'] } })).scheduledEmails.edges;
  expect(after.node).toMatchObject({ status: 'SENT', heldReason: null });

  // Single-use.
  const reused = errorOf(await verify(token));
  expect(reused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.token' }] });
});

it('the link’s page verifies nothing on GET (mail scanners fetch links) and verifies on its form’s POST', async () => {
  const user = await newUnverified();
  const mail = await eventually(() => mailTo(user.input.email)[0] ?? false);
  const link = /https:\/\/\S+\/verify-email\?token=\S+/.exec(mail.parsed.text ?? '')![0].replace(PUBLIC_URL, app.url);

  const page = await fetch(link);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<form method="post">');
  expect((await user.ok(MyAccountDocument)).me.emailVerified).toBe(false);

  const done = await fetch(link, { method: 'POST' });
  expect(done.status).toBe(200);
  expect(await done.text()).toContain('Your address is verified');
  expect((await user.ok(MyAccountDocument)).me.emailVerified).toBe(true);
  // Used: the same link now says so.
  expect((await fetch(link, { method: 'POST' })).status).toBe(400);
});

it('refuses an unknown, expired or used token as BAD_USER_INPUT naming `token`, verifying nothing', async () => {
  const user = await newUnverified();
  const mint = () =>
    mintAccountToken(app.infra.ds.manager, {
      userId: user.user.id,
      purpose: AccountTokenPurpose.VERIFY_EMAIL,
      email: user.input.email,
    });
  const expired = (await mint()).token;
  await app.infra.ds.query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
    user.user.id,
  ]);
  for (const token of ['ev_nope', '', 'x'.repeat(5000), expired]) {
    const error = errorOf(await verify(token));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.token' }] });
  }
  expect((await user.ok(MyAccountDocument)).me.emailVerified).toBe(false);

  // Using one token uses up every other the account was sent.
  const [first, second] = [(await mint()).token, (await mint()).token];
  expect((await verify(first)).data?.verifyEmail).toBe(true);
  expect(errorOf(await verify(second)).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
});

it('throttles resendVerificationEmail per address: three an hour, then RATE_LIMITED; nothing once verified', async () => {
  const user = await newUnverified();
  for (let i = 0; i < 3; i++)
    expect((await user.ok(ResendVerificationEmailDocument)).resendVerificationEmail).toBe(true);
  const refused = errorOf(await user.run(ResendVerificationEmailDocument));
  expect(refused.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  const [{ n }] = await app.infra.ds.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM scheduled_emails WHERE user_id = $1 AND kind = 'EMAIL_VERIFICATION'`,
    [user.user.id],
  );
  expect(Number(n)).toBe(4); // the one at registration and three on request

  const verified = await signedInUser(app.url);
  expect((await verified.ok(ResendVerificationEmailDocument)).resendVerificationEmail).toBe(false);
});

it('lets nobody choose the words of an account email: its template and its planned row cannot be edited', async () => {
  const user = await newUnverified();
  const edit = errorOf(
    await user.run(UpdateEmailTemplateDocument, {
      input: { kind: 'EMAIL_VERIFICATION', subject: 'Buy now', body: 'Cheap pills at {{appUrl}}' },
    }),
  );
  expect(edit.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.kind' }] });

  // A verification email still to go (written as the planner would, a day ahead, so no worker takes it first).
  const id = randomUUID();
  await app.infra.ds.query(
    `INSERT INTO scheduled_emails (id, user_id, kind, dedupe_key, to_email, subject, send_at, message_id)
     VALUES ($1, $2, 'EMAIL_VERIFICATION', $3, $4, 'Verify', now() + interval '1 day', $5)`,
    [id, user.user.id, `test:${id}`, user.input.email, `<${id}@rapport.example.test>`],
  );
  const row = { id };
  const rowEdit = errorOf(await user.run(UpdateScheduledEmailDocument, { id: row.id, input: { body: 'Cheap pills' } }));
  expect(rowEdit.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'id' }] });
});

it('sends no reminder to an unverified address: it is cancelled, visibly, as EMAIL_NOT_VERIFIED', async () => {
  const user = await newUnverified();
  const id = randomUUID();
  await app.infra.ds.query(
    `INSERT INTO scheduled_emails (id, user_id, kind, dedupe_key, to_email, subject, send_at, message_id)
     VALUES ($1, $2, 'KEEP_IN_TOUCH_DIGEST', $3, $4, 'Keep in touch', now(), $5)`,
    [id, user.user.id, `test:${id}`, user.input.email, `<${id}@rapport.example.test>`],
  );
  await app.http.services.emailTimers.add(id, new Date());
  const row = await eventually(async () => {
    const edges = (await user.ok(HeldEmailsDocument, { filter: { kinds: ['KEEP_IN_TOUCH_DIGEST'] } })).scheduledEmails
      .edges;
    const node = edges[0]?.node;
    return node?.status === 'CANCELLED' ? node : false;
  });
  expect(row && row.cancelReason).toBe('EMAIL_NOT_VERIFIED');
  expect(mailTo(user.input.email).filter((m) => m.parsed.subject === 'Keep in touch')).toEqual([]);
});
