import type { Queue } from 'bullmq';
import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';
import { redisEvictionPolicy } from '../redis';

export interface Check {
  ok: boolean;
  detail?: string;
}

/** The answer of `/readyz`: ready when every gating check is; `info` checks are shown, never gating. */
export type Readiness = () => Promise<{ ready: boolean; checks: Record<string, Check> }>;

const TIMEOUT_MS = 2_000;
/** How long the answers that change only with a deploy (migrations) or slowly (workers) are reused. */
export const SLOW_CHECKS_CACHE_MS = 10_000;

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

/** A check whose good answer is reused for `ms` (a failing one is asked again next time). */
function cached(run: () => Promise<Check>, ms: number): () => Promise<Check> {
  let kept: { at: number; value: Check } | null = null;
  return async () => {
    if (kept && Date.now() - kept.at < ms) return kept.value;
    const value = await run();
    kept = value.ok ? { at: Date.now(), value } : null;
    return value;
  };
}

/** How many BullMQ workers are connected to `queue` (its view of the worker processes). */
export async function workersSeen(queue: Queue): Promise<Check> {
  const workers = await queue.getWorkers();
  return workers.length
    ? { ok: true, detail: `${workers.length} worker connection(s)` }
    : { ok: false, detail: 'no worker is connected: emails are not being sent' };
}

/**
 * What `/readyz` checks: PostgreSQL and Redis answer and Redis keeps every key (every call: one
 * round trip each), and the migrations are applied (reused for SLOW_CHECKS_CACHE_MS once good: a
 * query of the migrations table on every probe is not cheap), plus `info` checks shown beside
 * them (also reused), which never make the answer 503.
 */
export function readinessCheck(
  ds: DataSource,
  redis: Redis,
  logger: Logger,
  options: { info?: Record<string, () => Promise<Check>> } = {},
): Readiness {
  const migrations = cached(async () => {
    const pending = await ds.showMigrations();
    return pending ? { ok: false, detail: 'pending migrations; run `npm run migration:run`' } : { ok: true };
  }, SLOW_CHECKS_CACHE_MS);
  const evictionPolicy = async (): Promise<Check> => {
    const policy = await redisEvictionPolicy(redis);
    return policy === 'noeviction'
      ? { ok: true, detail: policy }
      : { ok: false, detail: `maxmemory-policy is ${policy}; BullMQ needs noeviction` };
  };
  const info = Object.entries(options.info ?? {}).map(
    ([name, run]) => [name, cached(run, SLOW_CHECKS_CACHE_MS)] as const,
  );
  return async () => {
    const [postgres, redisPing, applied, policy, ...extra] = await Promise.all([
      check('postgres', logger, async () => {
        await ds.query('SELECT 1');
        return { ok: true };
      }),
      check('redis', logger, async () => ({ ok: (await redis.ping()) === 'PONG' })),
      check('migrations', logger, migrations),
      check('redisEvictionPolicy', logger, evictionPolicy),
      ...info.map(([name, run]) => check(name, logger, run)),
    ]);
    const gating = { postgres, redis: redisPing, migrations: applied, redisEvictionPolicy: policy };
    const ready = Object.values(gating).every((c) => c.ok);
    return { ready, checks: { ...gating, ...Object.fromEntries(info.map(([name], i) => [name, extra[i]])) } };
  };
}

/** `/healthz`: the process is alive. `/readyz`: it can serve (JSON, 503 when not). */
export function healthRouter(readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
