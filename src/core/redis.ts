import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config';

/**
 * A Redis connection. `blocking` is for BullMQ workers, whose blocking commands must retry
 * forever; API connections fail fast so a request never hangs on a Redis outage.
 */
export function createRedis(config: Pick<Config, 'redis'>, name: string, blocking = false): Redis {
  const options: RedisOptions = {
    connectionName: `rapport:${name}`,
    connectTimeout: 3_000,
    maxRetriesPerRequest: blocking ? null : 2,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  return new Redis(config.redis.url, options);
}

/** Reads `maxmemory-policy` from INFO (CONFIG GET is often disabled on managed Redis). */
export async function redisEvictionPolicy(redis: Redis): Promise<string | null> {
  const info = await redis.info('memory');
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? null;
}
