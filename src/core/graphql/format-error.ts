import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { AppError, CoreErrorReason, ErrorCode } from '../errors';
import { isDatabaseUnavailable, isPgError, PG_UNIQUE_VIOLATION } from '../db/pg-errors';
import { scalarErrorField } from './calendar.scalars';

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

// graphql-js's variable coercion errors: `Variable "$input" got invalid value 5 at "input.first"; …`.
const VARIABLE_NAME = /^Variable "\$(\w+)"/;
const VARIABLE_PATH = /^Variable "\$\w+" got invalid value .*? at "([^"]+)"; /s;

/** A variable coercion error's reason and the variable (or the part of it) at fault. */
function variableProblem(message: string): { reason: string; field?: string } {
  const field = VARIABLE_PATH.exec(message)?.[1] ?? VARIABLE_NAME.exec(message)?.[1];
  return field === undefined
    ? { reason: CoreErrorReason.INVALID_VARIABLE }
    : { reason: CoreErrorReason.INVALID_VARIABLE, field };
}

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
    return {
      ...base,
      message: 'This already exists',
      extensions: { code: ErrorCode.CONFLICT, reason: CoreErrorReason.ALREADY_EXISTS },
    };
  }
  if (original instanceof GraphQLError && isExpectedError(original)) {
    const code = original.extensions?.code ?? ErrorCode.BAD_USER_INPUT;
    const shown = Object.fromEntries(
      Object.entries(original.extensions ?? {}).filter(([key]) => SHOWN_EXTENSIONS.has(key)),
    );
    // The only BAD_USER_INPUT not of our making: a variable graphql-js could not coerce. A
    // LocalDate/LocalTime variable refused by its scalar also names its field like a validation error.
    const reasoned = code === ErrorCode.BAD_USER_INPUT && !shown.reason ? variableProblem(formatted.message) : {};
    const field = code === ErrorCode.BAD_USER_INPUT ? scalarErrorField(original) : undefined;
    const fields = field ? { fields: [field], field: field.field } : {};
    return { ...base, message: formatted.message, extensions: { code, ...reasoned, ...shown, ...fields } };
  }
  // Not the request's fault and likely over soon: the client may retry (docs/errors.md).
  if (isDatabaseUnavailable(original)) {
    return {
      ...base,
      message: 'The service is unavailable right now; try again shortly',
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryable: true },
    };
  }
  return { ...base, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
