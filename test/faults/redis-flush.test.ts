import { loadConfig } from '../../src/core/config';
import { createLogger } from '../../src/core/logger';
import { createQueue, QUEUE } from '../../src/core/queue/queues';
import { createRedis } from '../../src/core/redis';
import { EmailQueue } from '../../src/modules/emails/email-queue';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser } from '../helpers/factories';
import { startProcess, within, type RunningProcess } from '../helpers/processes';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { baseTestEnv } from '../helpers/test-env';
import { report, SCALE, timeoutMs } from './fault-scale';
import { startOwnServers, type OwnServers } from './own-servers';

// FLUSHALL empties every database of the Redis server: this file has a Redis (and PostgreSQL) of its own.
const N = SCALE.flushedEmails;
const RECONCILE_SECONDS = 3;
/** Reconciler.OVERDUE_GRACE_SECONDS: how late a PENDING row must be before the sweep re-times it. */
const OVERDUE_GRACE_SECONDS = 5;
const PENDING_IN_SECONDS = 3;

let own: OwnServers;
let sink: SmtpSink;
const processes: RunningProcess[] = [];
beforeAll(async () => {
  own = await startOwnServers();
  sink = await startSmtpSink({ parse: false });
}, 120_000);
afterAll(async () => {
  for (const p of processes) {
    p.child.kill('SIGTERM');
    await within(p.exited, 20_000, 'process shutdown').catch(() => p.child.kill('SIGKILL'));
  }
  await sink.close();
  await own.close();
}, 90_000);

it(
  'delivers every email exactly once within a reconcile period after FLUSHALL, with no sweep run by hand',
  async () => {
    const env = {
      ...own.env,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: sink.url,
      RECONCILE_EVERY_SECONDS: String(RECONCILE_SECONDS),
      EMAIL_LEASE_SECONDS: '10',
      // Few jobs at a time, so most due emails are still waiting in Redis when it is flushed.
      WORKER_CONCURRENCY: '2',
    };
    const api = startProcess('main', { ...env, PORT: '0', HOST: '127.0.0.1' });
    processes.push(api);
    const user = await signedInUser(`http://127.0.0.1:${(await api.waitForLog('API ready')).port as number}`);
    const due = await insertDueOutreach(own.ds, user.user.id, {
      count: N / 2,
      tag: 'due',
      domain: 'flush.example.test',
    });
    const config = loadConfig({ ...baseTestEnv(), ...env });
    const redis = createRedis(config, 'fault-test');
    const queue = createQueue(QUEUE.emails, config, redis);
    try {
      const timers = new EmailQueue(queue, createLogger(config, 'fault-test'));
      const timed = async (rows: { id: string }[]) => {
        const found: { id: string; send_at: Date }[] = await own.ds.query(
          `SELECT id, send_at FROM scheduled_emails WHERE id = ANY($1::uuid[])`,
          [rows.map((r) => r.id)],
        );
        await timers.requeue(found.map((r) => ({ id: r.id, sendAt: r.send_at, attempts: 0 })));
      };
      await timed(due);

      // Slow replies, so the flush finds emails in SMTP, due ones waiting, and pending timers.
      await sink.setMode('slow', { delayMs: 200 });
      for (let i = 0; i < 2; i++) {
        const worker = startProcess('worker', env);
        processes.push(worker);
        await worker.waitForLog('worker ready');
      }
      await eventually(() => sink.total > 0 || Promise.reject(new Error('nothing sent yet')), { timeoutMs: 20_000 });
      // Not due yet: only their timers (about to go) or a sweep once they are overdue can send them.
      const pending = await insertDueOutreach(own.ds, user.user.id, {
        count: N / 2,
        tag: 'pending',
        domain: 'flush.example.test',
        dueSecondsAgo: -PENDING_IN_SECONDS,
      });
      await timed(pending);
      const [[{ waiting }]]: [{ waiting: number }[]] = [
        await own.ds.query(
          `SELECT count(*)::int AS waiting FROM scheduled_emails WHERE user_id = $1 AND status = 'PENDING'`,
          [user.user.id],
        ),
      ];
      const beforeFlush = sink.total;
      const flushedAt = Date.now();
      await redis.flushall();
      await sink.setMode('accept');

      // The last rows fall due PENDING_IN_SECONDS after they were written; a sweep re-times them once they
      // are OVERDUE_GRACE_SECONDS late; each worker notices the lost schedulers within a period, and the
      // first sweep runs a period later. Ten seconds of slack for a busy machine.
      const deadlineMs = (PENDING_IN_SECONDS + OVERDUE_GRACE_SECONDS + 2 * RECONCILE_SECONDS + 10) * 1000;
      const rows = [...due, ...pending];
      await eventually(
        () => sink.countOf(rows.map((r) => r.message_id)) === N || Promise.reject(new Error(`${sink.total} of ${N}`)),
        { timeoutMs: deadlineMs, intervalMs: 100 },
      );
      const deliveredAfterMs = Date.now() - flushedAt;
      const statuses: { status: string; n: number }[] = await eventually(async () => {
        const counts: { status: string; n: number }[] = await own.ds.query(
          `SELECT status, count(*)::int AS n FROM scheduled_emails WHERE user_id = $1 GROUP BY status`,
          [user.user.id],
        );
        if (counts.some((c) => c.status !== 'SENT')) throw new Error(JSON.stringify(counts));
        return counts;
      });
      report('FLUSHALL', {
        emails: N,
        pendingAtFlush: waiting,
        sentBeforeFlush: beforeFlush,
        deliveredAfterFlushMs: deliveredAfterMs,
        deadlineMs,
        received: sink.total,
      });
      expect(waiting).toBeGreaterThan(0);
      expect(statuses).toEqual([{ status: 'SENT', n: N }]);
      expect(sink.duplicates()).toEqual([]);
      expect(sink.total).toBe(N);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  },
  timeoutMs(90_000, 180_000),
);
