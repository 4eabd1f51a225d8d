import { startWorkerRuntime, type WorkerRuntime } from '../../src/app/worker-runtime';
import { loadConfig } from '../../src/core/config';
import { EMAIL_JOB } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser, type SignedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { baseTestEnv } from '../helpers/test-env';

let app: TestApp;
let sink: SmtpSink;
let user: SignedInUser;
let runtime: WorkerRuntime | null = null;

beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink();
  user = await signedInUser(app.url);
});
afterAll(async () => {
  await runtime?.close(10_000);
  await sink.close();
  await app.close();
});

it('registers the reconciler and digest schedulers again after Redis lost them, and the reconciler delivers due mail', async () => {
  const config = loadConfig({
    ...baseTestEnv(),
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: sink.url,
    RECONCILE_EVERY_SECONDS: '1',
  });
  runtime = await startWorkerRuntime(
    { ...app.infra, config },
    {
      workerId: `schedulers-${process.pid}`,
      concurrency: 5,
      schedule: true,
      scheduleCheckMs: 200,
      services: app.http.services,
    },
  );
  const queue = app.http.services.emailQueue;
  expect(await queue.getJobScheduler(EMAIL_JOB.sweep)).toBeTruthy();

  // FLUSHDB, not FLUSHALL: every jest worker has its own logical database on the one redis-server,
  // and FLUSHALL would wipe the others' queues mid-test. For this worker's queues it is the same.
  await app.infra.redis.flushdb();
  expect(await queue.getJobScheduler(EMAIL_JOB.sweep)).toBeFalsy();

  await eventually(
    async () =>
      Boolean((await queue.getJobScheduler(EMAIL_JOB.sweep)) && (await queue.getJobScheduler(EMAIL_JOB.planDigests))) ||
      Promise.reject(new Error('schedulers not back yet')),
    { intervalMs: 100 },
  );

  // A due row with no timer at all: only the reconciler's sweep can find it.
  const [row] = await insertDueOutreach(app.infra.ds, user.user.id, {
    count: 1,
    tag: 'pat',
    domain: 'schedulers.example.test',
    dueSecondsAgo: 60,
  });
  await eventually(() => sink.count(row.message_id) === 1 || Promise.reject(new Error('not delivered yet')), {
    timeoutMs: 20_000,
  });
  // Recorded SENT just after the server accepted it.
  await eventually(async () => {
    const [{ status }]: { status: string }[] = await app.infra.ds.query(
      'SELECT status FROM scheduled_emails WHERE id = $1',
      [row.id],
    );
    if (status !== 'SENT') throw new Error(status);
  });
  expect(sink.count(row.message_id)).toBe(1);
}, 40_000);
