import { Pool } from 'pg';
import type { Config } from '../config';
import { pgTypes } from './pg-types';

/**
 * A few PostgreSQL connections of their own for statements that should run on their generic
 * plan from the first call (see queryPrepared). Each session starts with
 * `plan_cache_mode = force_generic_plan`, so the setting costs no statement and never reaches
 * TypeORM's pool, whose statements keep PostgreSQL's own choice.
 *
 * Why: PostgreSQL prices a generic plan for an array parameter as if it held ten elements, so a
 * statement over one to nine ids (the email worker's claim and SENT, in small batches) is planned
 * afresh on every call — measured at 2–4 ms of planning each. The owner closes the pool.
 */
export function createGenericPlanPool(
  config: Pick<Config, 'db'>,
  { applicationName, max }: { applicationName: string; max: number },
): Pool {
  const pool = new Pool({
    connectionString: config.db.url,
    ssl: config.db.ssl ? { rejectUnauthorized: true } : undefined,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: applicationName,
    statement_timeout: config.db.statementTimeoutMs || undefined,
    options: '-c plan_cache_mode=force_generic_plan',
    types: pgTypes,
  });
  // An idle connection the server ends reports here; the pool drops it and opens another.
  pool.on('error', () => {});
  return pool;
}
