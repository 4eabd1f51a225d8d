import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode } from '../errors';
import { isPgError, PG_UNIQUE_VIOLATION } from '../db/pg-errors';

// Errors Apollo and graphql-js raise about the request itself (parse, validation, limits):
// their messages describe the client's document and are safe to show.
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_ALLOWED',
]);

// What a request error may tell the client besides its code (the cost limit's figures).
const SHOWN_EXTENSIONS = new Set(['reason', 'cost', 'maxCost']);

/** Whether the error is one we expected (and show), as opposed to a bug to log and mask. */
export function isExpectedError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return true;
  if (isPgError(original, PG_UNIQUE_VIOLATION)) return true;
  if (original instanceof GraphQLError) {
    const code = original.extensions?.code;
    return (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) || !original.originalError;
  }
  return false;
}

/**
 * The one place errors become client responses: AppErrors keep their code, message and
 * details; everything else is INTERNAL_SERVER_ERROR with no stack, SQL or driver text.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { locations: formatted.locations, path: formatted.path };

  if (original instanceof AppError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  if (original instanceof QueryFailedError && isPgError(original, PG_UNIQUE_VIOLATION)) {
    return { ...base, message: 'This already exists', extensions: { code: ErrorCode.CONFLICT } };
  }
  if (original instanceof GraphQLError && isExpectedError(original)) {
    const code = original.extensions?.code ?? ErrorCode.BAD_USER_INPUT;
    const shown = Object.entries(original.extensions ?? {}).filter(([key]) => SHOWN_EXTENSIONS.has(key));
    return { ...base, message: formatted.message, extensions: { code, ...Object.fromEntries(shown) } };
  }
  return { ...base, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
