import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/** How many distinct statements are prepared per connection; beyond it, statements run unnamed. */
const MAX_PREPARED = 200;
const preparedNames = new Map<string, string>();

/** Pool connections already told to keep one generic plan per prepared statement. */
const genericPlanClients = new WeakSet<PoolClient>();

export interface PreparedOptions {
  /**
   * Always the generic plan on the connection that runs it. For a statement over an array of
   * ids, PostgreSQL prices the generic plan for ten elements and a custom one for the actual
   * count, so with one or two it keeps planning afresh on every call — the cost preparing was
   * meant to save. The setting is per connection (`plan_cache_mode`), so it then holds for every
   * prepared statement run there: ask for it only in a process whose statements all want it (the
   * email worker's per-email statements), never in the API.
   */
  genericPlan?: boolean;
}

/**
 * Runs a statement on the pool behind TypeORM as a named prepared statement, so PostgreSQL
 * parses and plans each distinct SQL text once per connection; on an EntityManager inside a
 * transaction, on that transaction's connection. The set of texts is bounded (they come from
 * code: shapes of a query × column sets); past MAX_PREPARED distinct texts, statements run
 * unnamed. Seen by TypeORM's logger like every other statement (tests count statements with it).
 */
export async function queryPrepared<R extends QueryResultRow = Record<string, unknown>>(
  on: DataSource | EntityManager,
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
  const manager = 'manager' in on ? on.manager : on;
  const ds = manager.connection;
  if (ds.options.logging) ds.logger.logQuery(text, values);

  const runner = manager.queryRunner;
  if (runner && !runner.isReleased) {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<R>(config)).rows;
  }
  const pool = (ds.driver as unknown as { master: Pool }).master;
  if (!options.genericPlan) return (await pool.query<R>(config)).rows;
  const client = await pool.connect();
  try {
    if (!genericPlanClients.has(client)) {
      await client.query('SET plan_cache_mode = force_generic_plan');
      genericPlanClients.add(client);
    }
    return (await client.query<R>(config)).rows;
  } finally {
    client.release();
  }
}

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
