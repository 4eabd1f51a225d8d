import type { DataSource } from 'typeorm';

/**
 * Runs `work` while holding the session-level advisory lock `key` on a connection of its own, or
 * returns `busy` at once when another session holds it: one run at a time across all workers.
 */
export async function withTryAdvisoryLock<T>(
  ds: DataSource,
  key: number,
  work: () => Promise<T>,
  busy: () => T,
): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key]);
    if (!locked) return busy();
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}
