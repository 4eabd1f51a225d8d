import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { redisEvictionPolicy } from '../redis';

interface Check {
  ok: boolean;
  detail?: string;
}

const TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
    ),
  ]);
}

async function check(name: string, logger: Logger, run: () => Promise<Check>): Promise<Check> {
  try {
    return await withTimeout(run());
  } catch (err) {
    logger.warn({ err, check: name }, 'readiness check failed');
    // Details stay in the log; the endpoint is public.
    return { ok: false, detail: 'unreachable' };
  }
}

/** `/healthz`: the process is alive. `/readyz`: it can serve (JSON, 503 when not). */
export function healthRouter(ds: DataSource, redis: Redis, logger: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [postgres, redisPing, migrations, evictionPolicy] = await Promise.all([
      check('postgres', logger, async () => {
        await ds.query('SELECT 1');
        return { ok: true };
      }),
      check('redis', logger, async () => ({ ok: (await redis.ping()) === 'PONG' })),
      check('migrations', logger, async () => {
        const pending = await ds.showMigrations();
        return pending ? { ok: false, detail: 'pending migrations; run `npm run migration:run`' } : { ok: true };
      }),
      check('redisEvictionPolicy', logger, async () => {
        const policy = await redisEvictionPolicy(redis);
        return policy === 'noeviction'
          ? { ok: true, detail: policy }
          : { ok: false, detail: `maxmemory-policy is ${policy}; BullMQ needs noeviction` };
      }),
    ]);
    const checks = { postgres, redis: redisPing, migrations, redisEvictionPolicy: evictionPolicy };
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
