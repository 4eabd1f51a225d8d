import type { Config } from '../core/config';
import { createDataSource, type DataSourceOptions } from '../core/db/data-source';
import { openInfrastructure, type Infrastructure } from '../core/infrastructure';
import { ENTITIES } from './features';

export type AppInfrastructure = Infrastructure & { close(): Promise<void> };

/** Rapport's connections (PostgreSQL with every feature's entities, Redis, the logger). */
export function openAppInfrastructure(
  config: Config,
  processName: 'api' | 'worker' | 'cli',
  options: Omit<DataSourceOptions, 'entities'> = {},
): Promise<AppInfrastructure> {
  return openInfrastructure(config, processName, { ...options, entities: ENTITIES });
}

/** A DataSource over every feature's entities, for command-line tools. */
export function createAppDataSource(config: Pick<Config, 'db'>, options: Omit<DataSourceOptions, 'entities'> = {}) {
  return createDataSource(config, { ...options, entities: ENTITIES });
}
