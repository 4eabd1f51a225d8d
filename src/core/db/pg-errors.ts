/** Postgres error codes the services translate into client errors. */
export const PG_UNIQUE_VIOLATION = '23505';

export function isPgError(err: unknown, code: string): err is { driverError: { code: string; constraint?: string } } {
  const e = err as { driverError?: { code?: string }; code?: string };
  return e?.driverError?.code === code || e?.code === code;
}
