/** Postgres error codes the services translate into client errors. */
export const PG_UNIQUE_VIOLATION = '23505';

export function isPgError(err: unknown, code: string): err is { driverError: { code: string; constraint?: string } } {
  const e = err as { driverError?: { code?: string }; code?: string };
  return e?.driverError?.code === code || e?.code === code;
}

// Socket errors of a server that is down, restarting or unreachable.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
// SQLSTATEs of a server that cannot take the query now: connection exceptions (class 08),
// shutting down or starting up (57P01–57P03), out of connection slots (53300).
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
// pg and pg-pool say so in words only.
const UNAVAILABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * Whether `err` (a TypeORM, pg or socket error, possibly wrapped) says PostgreSQL could not be
 * reached or could not take the query now: retrying later may succeed, the request was not wrong.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const { code, message, driverError, cause, errors, originalError, thrownValue } = e as Record<string, unknown>;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    // Node reports a refused connection to several addresses as an AggregateError.
    // graphql-js wraps what a resolver threw (`thrownValue` when it was no Error of this realm).
    return (
      [driverError, cause, originalError, thrownValue].some(visit) || (Array.isArray(errors) && errors.some(visit))
    );
  };
  return visit(err);
}
