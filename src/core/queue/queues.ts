import { Queue, type ConnectionOptions } from 'bullmq';
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

export function createQueue(name: QueueName, config: Pick<Config, 'redis'>, connection: ConnectionOptions): Queue {
  return new Queue(name, {
    ...queueOptions(config, connection),
    defaultJobOptions: { removeOnComplete: { age: 86_400, count: 1000 }, removeOnFail: { age: 7 * 86_400 } },
  });
}

/**
 * Worker options for the `emails` queue. Its jobs are idempotent (Postgres decides), so a job
 * of a crashed worker may be picked up again as often as needed, and soon.
 */
export const EMAIL_WORKER_OPTIONS = { lockDuration: 15_000, stalledInterval: 10_000, maxStalledCount: 10 } as const;
