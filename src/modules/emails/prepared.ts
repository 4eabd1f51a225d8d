import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Pool connections already told to keep one generic plan per prepared statement. */
const genericPlanClients = new WeakSet<PoolClient>();

/**
 * A statement PostgreSQL parses and plans once per connection (a named prepared statement) rather
 * than on every call: for the few statements the email pipeline runs for every email, planning
 * them cost more than running them. Runs on the pool, or on an EntityManager's own connection
 * when it belongs to a transaction.
 */
export class PreparedStatement<R extends QueryResultRow> {
  constructor(
    /** Unique per text: PostgreSQL keys prepared statements by name. */
    readonly name: string,
    readonly text: string,
    private readonly options: {
      /**
       * Always the generic plan. For a statement over arrays of ids, PostgreSQL prices the generic
       * plan for ten elements and a custom one for the actual count, so with one or two it keeps
       * planning afresh on every call — the cost preparing was meant to save. Only named
       * statements are affected (nothing else in Rapport uses them), so the setting is made once
       * per pool connection.
       */
      genericPlan?: boolean;
    } = {},
  ) {}

  async run(on: DataSource | EntityManager, values: unknown[]): Promise<R[]> {
    const manager = 'manager' in on ? on.manager : on;
    const runner = manager.queryRunner;
    if (runner && !runner.isReleased) {
      const client = (await runner.connect()) as PoolClient;
      return (await client.query<R>({ name: this.name, text: this.text, values })).rows;
    }
    const pool = (manager.connection.driver as PostgresDriver).master as Pool;
    if (!this.options.genericPlan) return (await pool.query<R>({ name: this.name, text: this.text, values })).rows;
    const client = await pool.connect();
    try {
      if (!genericPlanClients.has(client)) {
        await client.query('SET plan_cache_mode = force_generic_plan');
        genericPlanClients.add(client);
      }
      return (await client.query<R>({ name: this.name, text: this.text, values })).rows;
    } finally {
      client.release();
    }
  }
}
