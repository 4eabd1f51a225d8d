import { createHash } from 'node:crypto';
import type { PoolClient, QueryConfig, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** How many distinct statements are prepared per connection; beyond it, statements run unnamed. */
const MAX_PREPARED = 200;
const preparedNames = new Map<string, string>();

// Session-level, so made and undone around the one statement (see PreparedOptions). RESET goes
// back to the connection's default (server, database or role setting), not to a fixed value.
const FORCE_GENERIC_PLAN = 'SET plan_cache_mode = force_generic_plan';
const RESTORE_PLAN_CACHE_MODE = 'RESET plan_cache_mode';

export interface PreparedOptions {
  /**
   * The generic plan from the first call. For a statement over arrays of ids, PostgreSQL prices
   * the generic plan for ten elements and a custom one for the actual count, so with fewer it
   * keeps planning afresh on every call — the cost preparing was meant to save (the email
   * worker's claim and SENT statements, over batches of one to nine, measured at several ms of
   * planning per call). Applies to this statement only: `plan_cache_mode` is set on a pooled
   * connection of its own just before it and reset just after (two short round trips), and a
   * connection on which either fails is discarded, never returned to the pool with the setting.
   * Not inside a transaction (the setting would outlive the statement there).
   */
  genericPlan?: boolean;
}

/**
 * Runs a statement on the pool behind TypeORM as a named prepared statement, so PostgreSQL
 * parses and plans each distinct SQL text once per connection; on an EntityManager inside a
 * transaction, on that transaction's connection. The set of texts is bounded (they come from
 * code: shapes of a query × column sets); past MAX_PREPARED distinct texts, statements run
 * unnamed. Seen by TypeORM's logger like every other statement (tests count statements with it).
 *
 * Named statements live in a server session: they need a direct connection or session pooling
 * (not PgBouncer in transaction mode; see the README's "Production and scaling").
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
  const log = ds.options.logging ? ds.logger : undefined;

  const runner = manager.queryRunner;
  if (runner && !runner.isReleased) {
    if (options.genericPlan) throw new Error('queryPrepared: genericPlan is for statements outside a transaction');
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
    if (options.genericPlan) {
      log?.logQuery(FORCE_GENERIC_PLAN);
      await client.query(FORCE_GENERIC_PLAN);
    }
    log?.logQuery(text, values);
    const { rows } = await client.query<R>(config);
    if (options.genericPlan) {
      log?.logQuery(RESTORE_PLAN_CACHE_MODE);
      await client.query(RESTORE_PLAN_CACHE_MODE);
    }
    client.removeListener('error', ignoreLostConnection);
    release();
    return rows;
  } catch (err) {
    // As pg's pool.query does: the connection is discarded (with any setting made on it).
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
