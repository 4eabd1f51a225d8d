import { Queue, type ConnectionOptions, type QueueOptions } from 'bullmq';
import type { Config } from '../config';

/** Queue names; job names inside them read `entity__action`. */
export const QUEUE = {
  maintenance: 'maintenance',
  emails: 'emails',
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export function queueOptions(config: Pick<Config, 'redis'>, connection: ConnectionOptions) {
  return { connection, prefix: config.redis.prefix };
}

const PER_QUEUE: Record<QueueName, Omit<QueueOptions, 'connection'>> = {
  maintenance: {
    defaultJobOptions: { removeOnComplete: { age: 86_400, count: 1000 }, removeOnFail: { age: 7 * 86_400 } },
  },
  // Pending email timers are nearly all that Redis holds. A job hash whose every field is at most
  // 64 bytes is stored as a compact listpack (~300 B instead of ~800 B), so no job options beyond
  // its id and delay are stored with each one: what happens to finished jobs is the worker's
  // setting (EMAIL_WORKER_OPTIONS), and the event stream, which nothing here reads, is kept short.
  emails: { streams: { events: { maxLen: 1000 } } },
};

export function createQueue(name: QueueName, config: Pick<Config, 'redis'>, connection: ConnectionOptions): Queue {
  return new Queue(name, { ...queueOptions(config, connection), ...PER_QUEUE[name] });
}

/**
 * Worker options for the `emails` queue. Its jobs are idempotent (Postgres decides), so a job
 * of a crashed worker may be picked up again as often as needed, and soon. A completed send job
 * is removed at once; a failed one is kept a week for inspection.
 */
export const EMAIL_WORKER_OPTIONS = {
  lockDuration: 15_000,
  stalledInterval: 10_000,
  maxStalledCount: 10,
  removeOnComplete: { count: 0 },
  removeOnFail: { age: 7 * 86_400 },
} as const;
