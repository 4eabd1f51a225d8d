import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { EMAIL_JOB } from '../../src/modules/emails/email-queue';
import { ScheduledEmailDocument } from '../generated/graphql';

// Which permanent SMTP failures suppress the address (a mailbox that does not exist) and which
// only fail the one email (a rejection of its content or size): see docs/security.md.
let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker | null = null;
let user: SignedInUser;

beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink();
  user = await signedInUser(app.url);
});
afterEach(async () => {
  await worker?.close();
  worker = null;
  await sink.setMode('accept');
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

/** One due outreach email to `email`, written straight into the outbox (as the planner would). */
async function dueEmail(email: string, n: number): Promise<{ id: string; message_id: string }> {
  const [row] = await app.infra.ds.query(
    `WITH found AS (SELECT id, email FROM contacts WHERE user_id = $1 AND email = $2),
     added AS (
       INSERT INTO contacts (user_id, first_name, email) SELECT $1, 'Pat', $2
       WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id, email),
     person AS (SELECT * FROM found UNION ALL SELECT * FROM added)
     INSERT INTO scheduled_emails (user_id, contact_id, kind, dedupe_key, to_email, to_name, subject, body_override, send_at, message_id)
     SELECT $1, p.id, 'OUTREACH', 'outreach:' || p.id || ':' || $3, p.email, 'Pat', 'Hello', 'Could we talk?',
            now() - interval '1 second', '<' || gen_random_uuid() || '@bounces.example.test>'
     FROM person p
     RETURNING id, message_id`,
    [user.user.id, email, n],
  );
  return row;
}

async function sendOne(email: string, n: number): Promise<{ id: string; message_id: string }> {
  const row = await dueEmail(email, n);
  const jobId = `bounce-${row.id}`;
  await app.http.services.emailQueue.add(EMAIL_JOB.send, { scheduledEmailId: row.id }, { jobId });
  await worker!.waitProcessed(jobId);
  return row;
}

const statusOf = async (id: string) => (await user.ok(ScheduledEmailDocument, { id })).scheduledEmail!;
const suppressed = async (email: string) =>
  (await app.infra.ds.query(`SELECT reason FROM email_suppressions WHERE email = $1`, [email])) as { reason: string }[];

it.each([
  ['policy-data', '554', 'policy'],
  ['too-large-data', '552', 'size'],
] as const)('a %s rejection (%s) fails the one email and does not suppress the address', async (mode, code, tag) => {
  worker = await startEmailWorker(app, sink.url, { EMAIL_RETRY_BASE_SECONDS: '1' });
  const to = `content-${tag}@bounces.example.test`;
  await sink.setMode(mode);
  const rejected = await sendOne(to, 1);
  const email = await statusOf(rejected.id);
  expect(email).toMatchObject({ status: 'FAILED', attempts: 1 });
  expect(email.lastError).toContain(code);
  expect(await suppressed(to)).toEqual([]);

  // The address still gets the user's next email.
  await sink.setMode('accept');
  const next = await sendOne(to, 2);
  expect(await statusOf(next.id)).toMatchObject({ status: 'SENT' });
  expect(sink.count(next.message_id)).toBe(1);
});

it('a 550 5.1.1 at RCPT TO (no such mailbox) fails the email and suppresses the address', async () => {
  worker = await startEmailWorker(app, sink.url, { EMAIL_RETRY_BASE_SECONDS: '1' });
  const to = 'gone@bounces.example.test';
  await sink.setMode('reject-rcpt');
  const row = await sendOne(to, 1);
  expect(await statusOf(row.id)).toMatchObject({ status: 'FAILED' });
  expect(await suppressed(to)).toEqual([{ reason: 'HARD_BOUNCE' }]);
});
