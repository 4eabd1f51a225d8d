import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createDataSource, type DataSourceOptions } from './db/data-source';
import { createLogger, type Logger } from './logger';
import { createRedis } from './redis';

/** What the API and the worker share: connections, config and logging. */
export interface Infrastructure {
  config: Config;
  ds: DataSource;
  redis: Redis;
  logger: Logger;
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
  const redis = createRedis(config, processName);
  return {
    config,
    ds,
    redis,
    logger,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
      await ds.destroy();
    },
  };
}
