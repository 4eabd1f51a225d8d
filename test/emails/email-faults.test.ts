import { EMAIL_JOB } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser, type SignedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { RetryScheduledEmailDocument, ScheduledEmailDocument, ScheduledEmailsDocument } from '../generated/graphql';

// Its own Redis logical database and sink: these tests stop SMTP and flush Redis.
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

const dueEmails = (count: number, tag: string, dueSecondsAgo = 0) =>
  insertDueOutreach(app.infra.ds, user.user.id, { count, tag, domain: 'faults.example.test', dueSecondsAgo });

const statusOf = async (id: string) => (await user.ok(ScheduledEmailDocument, { id })).scheduledEmail!;
const queueFor = () => app.http.services.emailQueue;
const enqueue = (id: string, jobId: string) => queueFor().add(EMAIL_JOB.send, { scheduledEmailId: id }, { jobId });

it('delivers every pending email exactly once after Redis loses all its timers (FLUSHDB + reconciler)', async () => {
  const rows = await dueEmails(200, 'flush', 10);
  for (const row of rows.slice(0, 50)) await enqueue(row.id, `before-flush-${row.id}`);
  await app.infra.redis.flushdb(); // every timer gone; Postgres still has every row
  worker = await startEmailWorker(app, sink.url);
  const result = await worker.reconciler.sweep();
  expect(result.requeued).toBe(200);
  await eventually(
    () =>
      rows.every((r) => sink.count(r.message_id) === 1) || Promise.reject(new Error(`${sink.messages.length} arrived`)),
    {
      timeoutMs: 30_000,
    },
  );
  // A second sweep finds nothing to do, and nothing arrives twice.
  expect((await worker.reconciler.sweep()).requeued).toBe(0);
  expect(sink.duplicates()).toEqual([]);
});

it('sends one message when the same email is enqueued three times', async () => {
  const [row] = await dueEmails(1, 'triple');
  worker = await startEmailWorker(app, sink.url);
  await Promise.all(['a', 'b', 'c'].map((n) => enqueue(row.id, `triple-${n}-${row.id}`)));
  await Promise.all(['a', 'b', 'c'].map((n) => worker!.waitProcessed(`triple-${n}-${row.id}`)));
  expect(sink.count(row.message_id)).toBe(1);
  expect(await statusOf(row.id)).toMatchObject({ status: 'SENT', attempts: 1 });
});

it('re-checks the suppression list whatever the case of the address, ASCII or not', async () => {
  const rows: { id: string; message_id: string }[] = await app.infra.ds.query(
    `WITH people AS (
       INSERT INTO contacts (user_id, first_name, email)
       VALUES ($1, 'Ada', 'ada.case@faults.example.test'), ($1, 'Zoë', 'zoë.ünal@faults.example.test')
       RETURNING id, email, first_name)
     INSERT INTO scheduled_emails (user_id, contact_id, kind, dedupe_key, to_email, to_name, subject, body_override, send_at, message_id)
     SELECT $1, p.id, 'OUTREACH', 'outreach:' || p.id,
            CASE WHEN p.first_name = 'Ada' THEN 'Ada.Case@Faults.Example.Test' ELSE 'Zoë.Ünal@faults.example.test' END,
            p.first_name, 'Hello', 'Could we talk?', now(), '<' || gen_random_uuid() || '@faults.example.test>'
     FROM people p
     RETURNING id, message_id`,
    [user.user.id],
  );
  // As the unsubscribe page records them: lower-cased.
  await app.infra.ds.query(
    `INSERT INTO email_suppressions (email, reason) VALUES ('ada.case@faults.example.test', 'UNSUBSCRIBED'),
       ('zoë.ünal@faults.example.test', 'UNSUBSCRIBED')`,
  );
  worker = await startEmailWorker(app, sink.url);
  for (const row of rows) await enqueue(row.id, `case-${row.id}`);
  for (const row of rows) await worker.waitProcessed(`case-${row.id}`);
  for (const row of rows) {
    expect(await statusOf(row.id)).toMatchObject({ status: 'SUPPRESSED' });
    expect(sink.count(row.message_id)).toBe(0);
  }
});

it('retries while SMTP refuses connections, then delivers once it is back', async () => {
  await sink.setMode('refuse');
  const [row] = await dueEmails(1, 'refused');
  worker = await startEmailWorker(app, sink.url, { EMAIL_RETRY_BASE_SECONDS: '1' });
  await enqueue(row.id, `refused-${row.id}`);
  const retried = await eventually(
    async () => {
      const email = await statusOf(row.id);
      if (email.attempts < 2 || email.status !== 'PENDING') throw new Error(`attempts ${email.attempts}`);
      return email;
    },
    { timeoutMs: 20_000 },
  );
  expect(retried.lastError).toBeTruthy();
  expect(retried.history.map((h) => h.event)).toContain('RETRY_SCHEDULED');
  await sink.setMode('accept');
  await eventually(async () => (await statusOf(row.id)).status === 'SENT' || Promise.reject(new Error('not yet')), {
    timeoutMs: 30_000,
  });
  expect(sink.count(row.message_id)).toBe(1);
});

it('marks a 550 as FAILED, suppresses the address and never retries', async () => {
  await sink.setMode('reject-rcpt');
  const [row] = await dueEmails(1, 'bounce');
  worker = await startEmailWorker(app, sink.url, { EMAIL_RETRY_BASE_SECONDS: '1' });
  await enqueue(row.id, `bounce-${row.id}`);
  await worker.waitProcessed(`bounce-${row.id}`);
  const email = await statusOf(row.id);
  expect(email).toMatchObject({ status: 'FAILED', attempts: 1 });
  expect(email.lastError).toMatch(/550/);
  const [suppressed] = await app.infra.ds.query(`SELECT reason FROM email_suppressions WHERE email = $1`, [
    email.toEmail,
  ]);
  expect(suppressed).toEqual({ reason: 'HARD_BOUNCE' });
  // Retrying a bounced address is refused.
  const retry = await user.run(RetryScheduledEmailDocument, { id: row.id });
  expect(retry.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SUPPRESSED' });
});

it('marks a send whose connection dropped after the data UNCERTAIN, and does not re-send it', async () => {
  await sink.setMode('drop-after-data');
  const [row] = await dueEmails(1, 'gap');
  worker = await startEmailWorker(app, sink.url);
  await enqueue(row.id, `gap-${row.id}`);
  await worker.waitProcessed(`gap-${row.id}`);
  expect(await statusOf(row.id)).toMatchObject({ status: 'UNCERTAIN' });
  await sink.setMode('accept');
  // Nothing brings it back by itself: not a new timer, not the reconciler.
  await enqueue(row.id, `gap-again-${row.id}`);
  await worker.waitProcessed(`gap-again-${row.id}`);
  await worker.reconciler.sweep();
  expect(sink.count(row.message_id)).toBe(1); // the one copy the server received before dropping
  const { scheduledEmails } = await user.ok(ScheduledEmailsDocument, { filter: { statuses: ['UNCERTAIN'] } });
  expect(scheduledEmails.edges.map((e) => e.node.id)).toContain(row.id);
});

it('never re-sends an email the server accepted when recording it as SENT fails: it ends UNCERTAIN', async () => {
  const [row] = await dueEmails(1, 'bookkeeping');
  // The database refuses to mark this row SENT, as a lost connection or a failover would.
  await app.infra.ds.query(
    `CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.status = 'SENT' THEN RAISE EXCEPTION 'database unavailable'; END IF; RETURN NEW; END $$;
     CREATE TRIGGER refuse_sent BEFORE UPDATE ON scheduled_emails FOR EACH ROW
       WHEN (NEW.id = '${row.id}'::uuid) EXECUTE FUNCTION refuse_sent();`,
  );
  try {
    worker = await startEmailWorker(app, sink.url);
    await enqueue(row.id, `bookkeeping-${row.id}`);
    await eventually(
      async () =>
        (await (await queueFor().getJob(`bookkeeping-${row.id}`))?.isFailed()) ||
        Promise.reject(new Error('job not failed yet')),
    );
  } finally {
    await app.infra.ds.query('DROP TRIGGER refuse_sent ON scheduled_emails; DROP FUNCTION refuse_sent();');
  }
  expect(sink.count(row.message_id)).toBe(1);
  // Not planned for a retry: it keeps its lease and smtp_started_at, so the reconciler, once the
  // lease runs out, knows it may have gone out.
  expect(await statusOf(row.id)).toMatchObject({ status: 'SENDING', attempts: 1 });
  await app.infra.ds.query(`UPDATE scheduled_emails SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [
    row.id,
  ]);
  expect(await worker!.reconciler.sweep()).toMatchObject({ uncertain: 1 });
  expect(await statusOf(row.id)).toMatchObject({ status: 'UNCERTAIN' });
  expect(sink.count(row.message_id)).toBe(1);
});

it('returns an email whose worker died before SMTP to PENDING, and one that died during SMTP to UNCERTAIN', async () => {
  const [before, during] = await dueEmails(2, 'lease');
  await app.infra.ds.query(
    `UPDATE scheduled_emails SET status = 'SENDING', attempts = 1, lease_owner = 'dead-worker',
       lease_expires_at = now() - interval '1 second', smtp_started_at = CASE WHEN id = $2 THEN now() END
     WHERE id IN ($1, $2)`,
    [before.id, during.id],
  );
  worker = await startEmailWorker(app, sink.url);
  const swept = await worker.reconciler.sweep();
  expect(swept).toMatchObject({ released: 1, uncertain: 1 });
  await eventually(async () => (await statusOf(before.id)).status === 'SENT' || Promise.reject(new Error('not yet')));
  expect(await statusOf(during.id)).toMatchObject({ status: 'UNCERTAIN' });
  expect(sink.count(during.message_id)).toBe(0);
});
