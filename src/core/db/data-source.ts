import 'reflect-metadata';
import path from 'node:path';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import type { Config } from '../config';
import type { EntityClass } from '../feature';
import { SnakeNamingStrategy } from './naming';
import { pgTypes } from './pg-types';

// dist/src/core/db → dist/migrations (compiled) or src/core/db → migrations (ts-jest).
const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', '..', 'migrations', '*.{js,ts}');

export interface DataSourceOptions {
  /** The TypeORM entities: every feature's tables (see src/app/features.ts). */
  entities: readonly EntityClass[];
  /** Receives every SQL statement; used by tests and benchmarks to count statements. */
  logger?: TypeOrmLogger;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

/** The one DataSource definition, shared by the API, the worker, the CLIs and the tests. */
export function createDataSource(config: Pick<Config, 'db'>, options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: config.db.url,
    ssl: config.db.ssl ? { rejectUnauthorized: true } : undefined,
    entities: [...options.entities],
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto', // gen_random_uuid(), built into PostgreSQL 13+
    synchronize: false,
    migrationsRun: false,
    logging: options.logger ? 'all' : false,
    logger: options.logger,
    applicationName: options.applicationName ?? 'rapport',
    extra: {
      max: config.db.poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: config.db.statementTimeoutMs || undefined,
      types: pgTypes,
    },
  });
}
