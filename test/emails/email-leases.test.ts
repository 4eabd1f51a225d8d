import { startWorkerRuntime, type WorkerRuntime } from '../../src/app/worker-runtime';
import { loadConfig } from '../../src/core/config';
import { createGenericPlanPool } from '../../src/core/db/generic-plan-pool';
import { Mailer } from '../../src/core/mail/mailer';
import { QUEUE } from '../../src/core/queue/queues';
import { EmailClaims } from '../../src/modules/emails/email-claims';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser, type SignedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { baseTestEnv } from '../helpers/test-env';

// Leases: each claim holds its row alone, and a lease lives as long as its worker does.
let app: TestApp;
let sink: SmtpSink;
let user: SignedInUser;
let runtime: WorkerRuntime | null = null;

beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink();
  user = await signedInUser(app.url);
});
afterEach(async () => {
  await runtime?.close(10_000);
  runtime = null;
  await sink.setMode('accept');
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

const dueEmails = (count: number, tag: string) =>
  insertDueOutreach(app.infra.ds, user.user.id, { count, tag, domain: 'leases.example.test' });

const smtpConfig = (env: Record<string, string> = {}) =>
  loadConfig({ ...baseTestEnv(), ...env, MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url });

it('refuses the SMTP start and the SENT of a claim whose row the same process claimed again', async () => {
  const [row] = await dueEmails(1, 'reclaim');
  const config = smtpConfig();
  const pool = createGenericPlanPool(config, { applicationName: 'rapport-test-claims', max: 2 });
  const mailer = Mailer.create(config.mail);
  const { composer } = app.http.services;
  // Two jobs of one process: the same worker id, as two BullMQ jobs of one worker would have.
  const claims = new EmailClaims(app.infra.ds, config, 'host:1234', (r) => composer.dataOptions(r), pool);
  /** What a send job does once it holds its claim: start, hand to SMTP, record. */
  const job = async (claimed: NonNullable<Awaited<ReturnType<EmailClaims['claim']>>>) => {
    const composed = composer.build(claimed.row, claimed.data)!;
    if (!(await claims.start(claimed.row, composed.rendered.subject))) return 'refused';
    const sent = await mailer.send(composed.mail);
    return (await claims.markSent(claimed.row, sent.response)) ? 'sent' : 'not recorded';
  };
  try {
    const first = (await claims.claim(row.id))!;
    // The first job stalls past its lease; the reconciler gives the row back and the process claims it again.
    await app.infra.ds.query(
      `UPDATE scheduled_emails SET lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [row.id],
    );
    const worker = await startWorkerRuntime(
      { ...app.infra, config },
      { workerId: 'sweeper', concurrency: 1, queues: [], schedule: false, services: app.http.services },
    );
    runtime = worker;
    expect(await worker.emails.reconciler.sweep()).toMatchObject({ released: 1 });
    const second = (await claims.claim(row.id))!;
    expect(second).not.toBeNull();

    expect(await job(first)).toBe('refused');
    expect(await job(second)).toBe('sent');
    await sink.waitFor(1);
    expect(sink.count(row.message_id)).toBe(1);
    const [status]: { status: string; attempts: number }[] = await app.infra.ds.query(
      'SELECT status, attempts FROM scheduled_emails WHERE id = $1',
      [row.id],
    );
    expect(status).toEqual({ status: 'SENT', attempts: 2 });
  } finally {
    mailer.close();
    await pool.end();
  }
});

it('does not make emails that wait for an SMTP connection UNCERTAIN, and sends each once (slow server, short lease)', async () => {
  // 40 jobs at once for 5 connections, each message answered after 2 s: the last wait ~16 s, longer than the lease.
  await sink.setMode('slow', { delayMs: 2_000 });
  const rows = await dueEmails(40, 'slow');
  const config = smtpConfig({ EMAIL_LEASE_SECONDS: '10' });
  runtime = await startWorkerRuntime(
    { ...app.infra, config },
    {
      workerId: `slow-${process.pid}`,
      concurrency: 40,
      queues: [QUEUE.emails],
      schedule: false,
      services: app.http.services,
    },
  );
  const { reconciler } = runtime.emails;
  await app.http.services.emailTimers.requeue(rows.map((r) => ({ id: r.id, sendAt: new Date(0), attempts: 0 })));
  // The reconciler runs all along, as it would every few seconds.
  await eventually(
    async () => {
      await reconciler.sweep();
      const n = sink.countOf(rows.map((r) => r.message_id));
      if (n < rows.length) throw new Error(`${n} of ${rows.length} arrived`);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  const events: { event: string; n: number }[] = await app.infra.ds.query(
    `SELECT event, count(*)::int AS n FROM email_events WHERE scheduled_email_id = ANY($1) GROUP BY event ORDER BY event`,
    [rows.map((r) => r.id)],
  );
  expect(events.filter((e) => e.event === 'UNCERTAIN' || e.event === 'RELEASED')).toEqual([]);
  await eventually(async () => {
    const [{ sent }]: { sent: number }[] = await app.infra.ds.query(
      `SELECT count(*)::int AS sent FROM scheduled_emails WHERE id = ANY($1) AND status = 'SENT' AND attempts = 1`,
      [rows.map((r) => r.id)],
    );
    if (sent !== rows.length) throw new Error(`${sent} SENT`);
  });
  expect(sink.duplicates()).toEqual([]);
}, 90_000);
