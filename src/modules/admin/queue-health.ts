import type { Queue } from 'bullmq';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { EMAIL_JOB } from '../emails/email-queue';
import { OVERDUE_AFTER_SECONDS } from './admin-emails.service';

export enum QueueHealthStatus {
  HEALTHY = 'HEALTHY',
  BEHIND = 'BEHIND',
  BROKEN = 'BROKEN',
}
registerEnumType(QueueHealthStatus, {
  name: 'QueueHealthStatus',
  description:
    'BROKEN: Redis unreachable, no worker seen in the last minute, the reconciler’s scheduler missing, or a due email waiting more than 15 minutes. BEHIND: otherwise, any email more than a minute past its time. HEALTHY: none of these.',
});

/** An email waiting this long past its time makes the queue BROKEN rather than BEHIND. */
export const BROKEN_AFTER_SECONDS = 15 * 60;
/** A worker whose connection was idle longer than this is not counted as seen. */
const WORKER_SEEN_SECONDS = 60;

@ObjectType()
export class QueueCounts {
  @Field()
  name: string;

  @Field(() => Int)
  waiting: number;

  @Field(() => Int)
  delayed: number;

  @Field(() => Int)
  active: number;

  @Field(() => Int)
  failed: number;

  @Field(() => Int, { description: 'Worker connections of this queue active in the last minute.' })
  workers: number;
}

@ObjectType({ description: 'The email pipeline at a glance (see docs/operations.md for the thresholds).' })
export class QueueHealth {
  @Field(() => QueueHealthStatus)
  status: QueueHealthStatus;

  @Field(() => [String], { description: 'Why the status is not HEALTHY, one line each.' })
  problems: string[];

  @Field()
  redisReachable: boolean;

  @Field(() => [QueueCounts])
  queues: QueueCounts[];

  @Field(() => Int, { description: `PENDING emails, not held, more than ${OVERDUE_AFTER_SECONDS} s past their time.` })
  overduePending: number;

  @Field(() => Int, { nullable: true, description: 'How long the oldest of them has waited, in seconds.' })
  oldestOverdueSeconds: number | null;

  @Field({ description: 'Whether Redis holds the reconciler’s job scheduler (a worker re-registers it).' })
  reconcilerScheduled: boolean;

  @Field(() => Int, { description: 'Email workers seen in the last minute.' })
  workersSeen: number;
}

/**
 * PENDING emails, not held, more than OVERDUE_AFTER_SECONDS past their time, and how late the
 * oldest is in whole seconds (null when none is): one indexed read, for queueHealth and the metrics.
 */
export async function readOverdueOutbox(ds: DataSource): Promise<{ overdue: number; oldest: number | null }> {
  const [{ overdue, oldest }]: { overdue: number; oldest: number | null }[] = await ds.query(
    `SELECT count(*)::int AS overdue, extract(epoch FROM now() - min(send_at))::int AS oldest
       FROM scheduled_emails
      WHERE status = 'PENDING' AND held_reason IS NULL AND send_at < now() - make_interval(secs => $1)`,
    [OVERDUE_AFTER_SECONDS],
  );
  return { overdue, oldest };
}

/** Reads the queues (Redis) and the outbox (PostgreSQL); a Redis failure is a BROKEN answer, not an error. */
export async function readQueueHealth(ds: DataSource, queues: Queue[], emailQueue: Queue): Promise<QueueHealth> {
  const { overdue, oldest } = await readOverdueOutbox(ds);
  const health = Object.assign(new QueueHealth(), {
    redisReachable: true,
    queues: [] as QueueCounts[],
    overduePending: overdue,
    oldestOverdueSeconds: oldest,
    reconcilerScheduled: false,
    workersSeen: 0,
  });
  try {
    health.queues = await Promise.all(
      queues.map(async (queue) => {
        const [counts, workers] = await Promise.all([
          queue.getJobCounts('waiting', 'delayed', 'active', 'failed'),
          queue.getWorkers(),
        ]);
        const seen = workers.filter((w) => Number(w.idle ?? 0) <= WORKER_SEEN_SECONDS).length;
        return Object.assign(new QueueCounts(), {
          name: queue.name,
          waiting: counts.waiting ?? 0,
          delayed: counts.delayed ?? 0,
          active: counts.active ?? 0,
          failed: counts.failed ?? 0,
          workers: seen,
        });
      }),
    );
    health.reconcilerScheduled = Boolean(await emailQueue.getJobScheduler(EMAIL_JOB.sweep));
    health.workersSeen = health.queues.find((q) => q.name === emailQueue.name)?.workers ?? 0;
  } catch {
    health.redisReachable = false;
  }
  return { ...health, ...judge(health) };
}

/** The thresholds, in one place: docs/operations.md repeats them. */
export function judge(h: Omit<QueueHealth, 'status' | 'problems'>): Pick<QueueHealth, 'status' | 'problems'> {
  const broken: string[] = [];
  const behind: string[] = [];
  if (!h.redisReachable) broken.push('Redis does not answer');
  else {
    if (h.workersSeen === 0) broken.push('no email worker seen in the last minute');
    if (!h.reconcilerScheduled) broken.push('the reconciler’s job scheduler is missing');
  }
  if ((h.oldestOverdueSeconds ?? 0) > BROKEN_AFTER_SECONDS)
    broken.push(`an email has waited ${h.oldestOverdueSeconds} s past its time`);
  else if (h.overduePending > 0) behind.push(`${h.overduePending} email(s) more than ${OVERDUE_AFTER_SECONDS} s late`);
  if (broken.length) return { status: QueueHealthStatus.BROKEN, problems: [...broken, ...behind] };
  if (behind.length) return { status: QueueHealthStatus.BEHIND, problems: behind };
  return { status: QueueHealthStatus.HEALTHY, problems: [] };
}
