import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** How many distinct statements are prepared per connection; beyond it, statements run unnamed. */
const MAX_PREPARED = 200;
const preparedNames = new Map<string, string>();

/** Each DataSource's generic-plan pool (createGenericPlanPool), where its process opened one. */
const genericPools = new WeakMap<DataSource, Pool>();

/**
 * Where `queryPrepared(ds, …, { genericPlan: true })` runs its statements from now on: a pool
 * whose sessions use `plan_cache_mode = force_generic_plan`. The caller closes the pool.
 */
export function useGenericPlanPool(ds: DataSource, pool: Pool): void {
  genericPools.set(ds, pool);
}

export interface PreparedOptions {
  /**
   * Run on the DataSource's generic-plan pool (useGenericPlanPool), when it has one and the call
   * is not inside a transaction: for a statement PostgreSQL would otherwise plan afresh on every
   * call although its generic plan is the same plan (a time window on parameters is priced
   * higher generically than for any given window, so it never settles). Logged as any other.
   */
  genericPlan?: boolean;
}

/**
 * Runs a statement as a named prepared statement, so PostgreSQL parses and plans each distinct
 * SQL text once per connection: on the pool behind TypeORM; on an EntityManager inside a
 * transaction, on that transaction's connection; or on a pg Pool of its own (such as a
 * createGenericPlanPool, for statements that should always run on their generic plan). The set of texts is bounded (they come from
 * code: shapes of a query × column sets); past MAX_PREPARED distinct texts, statements run
 * unnamed. Through TypeORM, seen by its logger like every other statement (tests count statements
 * with it).
 *
 * Named statements live in a server session: they need a direct connection or session pooling
 * (not PgBouncer in transaction mode; see the README's "Production and scaling").
 */
export async function queryPrepared<R extends QueryResultRow = Record<string, unknown>>(
  on: DataSource | EntityManager | Pool,
  text: string,
  values: unknown[],
  options: PreparedOptions = {},
): Promise<R[]> {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < MAX_PREPARED) {
    name = `r_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    preparedNames.set(text, name);
  }
  const config: QueryConfig = name ? { name, text, values } : { text, values };
  // pg's own pool.query discards a connection on which the statement failed.
  if (on instanceof Pool) return (await on.query<R>(config)).rows;
  const manager = 'manager' in on ? on.manager : on;
  const ds = manager.connection;
  const log = ds.options.logging ? ds.logger : undefined;

  const generic = options.genericPlan && 'manager' in on ? genericPools.get(on) : undefined;
  if (generic) {
    log?.logQuery(text, values);
    return (await generic.query<R>(config)).rows;
  }

  const runner = manager.queryRunner;
  if (runner && !runner.isReleased) {
    log?.logQuery(text, values);
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<R>(config)).rows;
  }

  const [client, release] = (await (ds.driver as PostgresDriver).obtainMasterConnection()) as [
    PoolClient,
    (discard?: Error) => void,
  ];
  // A connection lost while checked out reports on the client: without a listener, that is an
  // uncaught 'error' event. The statement in flight fails with it too, and is handled below.
  client.on('error', ignoreLostConnection);
  try {
    log?.logQuery(text, values);
    const { rows } = await client.query<R>(config);
    client.removeListener('error', ignoreLostConnection);
    release();
    return rows;
  } catch (err) {
    // As pg's pool.query does: a connection on which a statement failed is discarded.
    client.removeListener('error', ignoreLostConnection);
    release(err as Error);
    throw err;
  }
}

function ignoreLostConnection(): void {}

/** The array length PostgreSQL assumes for an array parameter when it prices a generic plan. */
const GENERIC_ARRAY_LENGTH = 10;

/**
 * The ids of an `= ANY($n)` condition, repeated up to ten entries. PostgreSQL prices a prepared
 * statement's generic plan as if an array parameter held ten elements, and a custom plan for the
 * array it is given: with one to nine ids the custom plan always looks cheaper, so it plans
 * afresh on every call (for a by-id read, planning costs several times the read). With ten or
 * more it settles on the generic plan. Repeats change no result (ANY matches a row once) and cost
 * nothing at execution: a B-tree scan removes duplicate array keys before it starts.
 */
export function padForGenericPlan<T>(ids: readonly T[]): T[] {
  const padded = [...ids];
  while (padded.length > 0 && padded.length < GENERIC_ARRAY_LENGTH) padded.push(ids[0]);
  return padded;
}
