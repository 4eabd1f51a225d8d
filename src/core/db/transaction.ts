import type { DataSource, EntityManager } from 'typeorm';

/** Postgres error codes the services translate into client errors. */
export const PG_UNIQUE_VIOLATION = '23505';

export function isPgError(err: unknown, code: string): err is { driverError: { code: string; constraint?: string } } {
  const e = err as { driverError?: { code?: string }; code?: string };
  return e?.driverError?.code === code || e?.code === code;
}

/** Runs `work` in a transaction, or inside the caller's transaction when one is given. */
export function inTransaction<T>(
  ds: DataSource,
  manager: EntityManager | undefined,
  work: (m: EntityManager) => Promise<T>,
) {
  return manager ? work(manager) : ds.transaction(work);
}
