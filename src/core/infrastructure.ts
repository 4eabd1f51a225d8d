import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createDataSource, type DataSourceOptions } from './db/data-source';
import { createGenericPlanPool } from './db/generic-plan-pool';
import { useGenericPlanPool } from './db/prepared';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics/metrics';
import { createRedis } from './redis';

/** What the API and the worker share: connections, config and logging. */
export interface Infrastructure {
  config: Config;
  ds: DataSource;
  redis: Redis;
  logger: Logger;
  /** This process's Prometheus metrics (served by `/metrics`). */
  metrics: Metrics;
}

/** Opens the connections a process needs; `close` ends them in reverse order. */
export async function openInfrastructure(
  config: Config,
  processName: 'api' | 'worker' | 'cli',
  dataSourceOptions: DataSourceOptions,
): Promise<Infrastructure & { close(): Promise<void> }> {
  const logger = createLogger(config, `rapport-${processName}`);
  const ds = createDataSource(config, { applicationName: `rapport-${processName}`, ...dataSourceOptions });
  await ds.initialize();
  // The API's few statements that PostgreSQL would plan on every call (queryPrepared's
  // genericPlan) run here; a quarter of the pool's size is plenty for them.
  const genericPlans =
    processName === 'api'
      ? createGenericPlanPool(config, {
          applicationName: 'rapport-api-generic',
          max: Math.max(2, Math.ceil(config.db.poolSize / 4)),
        })
      : undefined;
  if (genericPlans) useGenericPlanPool(ds, genericPlans);
  const redis = createRedis(config, processName);
  const metrics = new Metrics(processName);
  metrics.collected(
    'rapport_db_pool_connections',
    'Connections of the PostgreSQL pool, by state: total open, idle, and requests waiting for one.',
    ['state'],
    async () => {
      const pool = (ds.driver as unknown as { master?: Pool }).master;
      if (!pool) return [];
      return [
        { labels: { state: 'total' }, value: pool.totalCount },
        { labels: { state: 'idle' }, value: pool.idleCount },
        { labels: { state: 'waiting' }, value: pool.waitingCount },
      ];
    },
    0,
  );
  return {
    config,
    ds,
    redis,
    logger,
    metrics,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
      await genericPlans?.end();
      await ds.destroy();
    },
  };
}
