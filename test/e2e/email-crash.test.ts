import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser } from '../helpers/factories';
import { startProcess, within, type RunningProcess } from '../helpers/processes';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';

const N = 300;
const TERMINAL = ['SENT', 'UNCERTAIN', 'FAILED', 'SUPPRESSED', 'CANCELLED'];

let app: TestApp;
let sink: SmtpSink;
beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

it('loses and doubles nothing while worker processes are SIGKILLed mid-send', async () => {
  const user = await signedInUser(app.url);
  // 300 outreach emails that were due 10 s ago and whose timers Redis never had:
  // the reconciler must find them, and the workers must send each once.
  await insertDueOutreach(app.infra.ds, user.user.id, {
    count: N,
    tag: 'person',
    domain: 'crash.example.test',
    dueSecondsAgo: 10,
  });
  const env = {
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: sink.url,
    EMAIL_LEASE_SECONDS: '10',
    RECONCILE_EVERY_SECONDS: '1',
    WORKER_CONCURRENCY: '20',
  };

  const killed: RunningProcess[] = [];
  for (let round = 0; round < 4; round++) {
    const worker = startProcess('worker', env);
    await worker.waitForLog('worker ready');
    const target = Math.min(N, sink.messages.length + 40);
    // Kill it in the middle of the work: once it has sent a few more.
    await eventually(() => sink.messages.length >= target || Promise.reject(new Error('waiting for sends')), {
      timeoutMs: 20_000,
    }).catch(() => {});
    worker.child.kill('SIGKILL');
    await within(worker.exited, 5_000, 'SIGKILL');
    killed.push(worker);
  }

  const survivor = startProcess('worker', env);
  try {
    await survivor.waitForLog('worker ready');
    const statuses = await eventually(
      async () => {
        const rows: { status: string; n: number }[] = await app.infra.ds.query(
          `SELECT status, count(*)::int AS n FROM scheduled_emails WHERE user_id = $1 GROUP BY status`,
          [user.user.id],
        );
        const pending = rows.filter((r) => !TERMINAL.includes(r.status));
        if (pending.length) {
          const stuck = await app.infra.ds.query(
            `SELECT id, lease_owner, lease_expires_at, smtp_started_at, attempts, now() AS now FROM scheduled_emails
             WHERE user_id = $1 AND status NOT IN ('SENT', 'UNCERTAIN', 'FAILED', 'SUPPRESSED', 'CANCELLED')`,
            [user.user.id],
          );
          throw new Error(`still in flight: ${JSON.stringify(rows)} ${JSON.stringify(stuck)}`);
        }
        return Object.fromEntries(rows.map((r) => [r.status, r.n]));
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    const received = sink.messages.map((m) => m.parsed.messageId);
    const counts = new Map<string, number>();
    for (const id of received) counts.set(id!, (counts.get(id!) ?? 0) + 1);
    const doubled = [...counts.entries()].filter(([, n]) => n > 1);
    expect(doubled).toEqual([]);

    const rows: { message_id: string; status: string }[] = await app.infra.ds.query(
      `SELECT message_id, status FROM scheduled_emails WHERE user_id = $1`,
      [user.user.id],
    );
    // Every SENT email arrived; every arrival is SENT or, if the worker died in the SMTP gap, UNCERTAIN.
    for (const row of rows.filter((r) => r.status === 'SENT')) expect(counts.get(row.message_id)).toBe(1);
    const byId = new Map(rows.map((r) => [r.message_id, r.status]));
    for (const id of counts.keys()) expect(['SENT', 'UNCERTAIN']).toContain(byId.get(id));
    expect((statuses.SENT ?? 0) + (statuses.UNCERTAIN ?? 0)).toBe(N);
  } finally {
    survivor.child.kill('SIGTERM');
    await within(survivor.exited, 15_000, 'worker shutdown');
  }
}, 120_000);
