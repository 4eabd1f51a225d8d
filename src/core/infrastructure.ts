import type { Config } from './config';
import { createDataSource, type DataSourceOptions } from './db/data-source';
import { createLogger } from './logger';
import { createRedis } from './redis';
import type { Infrastructure } from './services';

/** Opens the connections a process needs; `close` ends them in reverse order. */
export async function openInfrastructure(
  config: Config,
  processName: 'api' | 'worker' | 'cli',
  dataSourceOptions: DataSourceOptions = {},
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
