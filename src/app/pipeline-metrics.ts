import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Metrics } from '../core/metrics/metrics';
import { OVERDUE_AFTER_SECONDS } from '../modules/admin/admin-emails.service';
import { readOverdueOutbox } from '../modules/admin/queue-health';

const JOB_STATES = ['waiting', 'delayed', 'active', 'failed', 'prioritized'] as const;

/**
 * The email pipeline's gauges, read at scrape time (cached a few seconds, so a scrape storm costs
 * a query or two): BullMQ job counts per queue and state, overdue PENDING outbox rows and the
 * oldest one's lateness, and the rows in the states an operator acts on.
 */
export function registerPipelineGauges(metrics: Metrics, ds: DataSource, queues: Queue[]): void {
  metrics.collected(
    'rapport_queue_jobs',
    'BullMQ jobs per queue and state (waiting, delayed: email timers, active, failed, prioritized).',
    ['queue', 'state'],
    async () => {
      const samples = [];
      for (const queue of queues) {
        const counts = await queue.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES)
          samples.push({ labels: { queue: queue.name, state }, value: counts[state] ?? 0 });
      }
      return samples;
    },
  );
  // The three outbox gauges share one read (the overdue rows, then the states to act on), cached
  // by the first of them to be collected.
  let outbox: Promise<{ overdue: number; oldest: number; byStatus: Record<string, number> }> | null = null;
  let readAt = 0;
  const read = async () => {
    const { overdue, oldest } = await readOverdueOutbox(ds);
    const rows: { status: string; n: number }[] = await ds.query(
      `SELECT status, count(*)::int AS n FROM scheduled_emails
        WHERE status IN ('SENDING', 'UNCERTAIN', 'FAILED') GROUP BY status`,
    );
    return { overdue, oldest: oldest ?? 0, byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])) };
  };
  const readOutbox = () => {
    if (!outbox || Date.now() - readAt > 5_000) {
      readAt = Date.now();
      outbox = read();
      outbox.catch(() => {
        outbox = null;
      });
    }
    return outbox;
  };
  metrics.collected(
    'rapport_outbox_overdue_rows',
    `PENDING emails (not held) whose send time passed more than ${OVERDUE_AFTER_SECONDS} s ago: the pipeline is behind or stuck.`,
    [],
    async () => [{ value: (await readOutbox()).overdue }],
    0,
  );
  metrics.collected(
    'rapport_outbox_oldest_overdue_seconds',
    'How late the most overdue PENDING email is, in seconds (0 when none is).',
    [],
    async () => [{ value: (await readOutbox()).oldest }],
    0,
  );
  metrics.collected(
    'rapport_outbox_rows',
    'Outbox rows in the states an operator acts on: SENDING (in flight), UNCERTAIN and FAILED (to look at).',
    ['status'],
    async () => {
      const { byStatus } = await readOutbox();
      return ['SENDING', 'UNCERTAIN', 'FAILED'].map((status) => ({ labels: { status }, value: byStatus[status] ?? 0 }));
    },
    0,
  );
}
