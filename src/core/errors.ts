/** The codes a client can rely on in `extensions.code` (DESIGN §3, docs/errors.md). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  /** PostgreSQL (or another service the API needs) cannot be reached now: retry with backoff. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/**
 * Reasons the platform gives; modules declare their own in `<feature>.errors.ts` enums named
 * `…Reason`. Every reason is listed in docs/errors.md (test/platform/error-catalogue.test.ts).
 */
export enum CoreErrorReason {
  /** One or more input fields break a rule (format, length, range…): `fields` says which. */
  INVALID_VALUE = 'INVALID_VALUE',
  /** A variable could not be coerced to its declared type (graphql-js). */
  INVALID_VARIABLE = 'INVALID_VARIABLE',
  /** An `after`/`before` cursor that is malformed or from another list or sort. */
  INVALID_CURSOR = 'INVALID_CURSOR',
  /** The request read more objects than GRAPHQL_MAX_NODES. */
  NODE_LIMIT = 'NODE_LIMIT',
  /** A per-user or per-object cap was reached (logged interactions, dismissed pairs…). */
  LIMIT_REACHED = 'LIMIT_REACHED',
  /** A uniqueness rule of the database was hit where no module gave a more precise reason. */
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  /** A field that needs a signed-in user, and no `Authorization` header was sent. */
  TOKEN_MISSING = 'TOKEN_MISSING',
}

/** Codes whose errors always carry `extensions.reason`. */
export type ReasonedCode = ErrorCode.CONFLICT | ErrorCode.BAD_USER_INPUT;

/** One offending input field: `field` is the path as the client sent it, e.g. `input.email`. */
export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorDetails {
  /** A module-specific reason, e.g. `INVALID_CREDENTIALS` or `OVERLAP`. */
  reason?: string;
  /** The (first) input field at fault, e.g. `input.email`; set from `fields` when not given. */
  field?: string;
  fields?: FieldError[];
  retryAfterSeconds?: number;
  /** Anything else safe to show to the client (ids of clashing objects, limits…). */
  [key: string]: unknown;
}

/**
 * An error meant for the client: its message and details are shown as they are.
 * Anything that is not an AppError is masked as INTERNAL_SERVER_ERROR.
 */
export class AppError extends Error {
  readonly details: AppErrorDetails;

  // CONFLICT and BAD_USER_INPUT must say why (a client branches on the reason, not the message).
  constructor(code: ReasonedCode, message: string, details: AppErrorDetails & { reason: string });
  constructor(code: Exclude<ErrorCode, ReasonedCode>, message: string, details?: AppErrorDetails);
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: AppErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
    const first = details.fields?.[0]?.field;
    this.details = first !== undefined && details.field === undefined ? { ...details, field: first } : details;
  }
}

/**
 * BAD_USER_INPUT naming the offending fields; `reason` is INVALID_VALUE unless a more precise one
 * tells the client something it can act on (INVALID_CURSOR, a module's reason…).
 */
export class ValidationError extends AppError {
  constructor(fields: FieldError[], reason: string = CoreErrorReason.INVALID_VALUE, details: AppErrorDetails = {}) {
    super(
      ErrorCode.BAD_USER_INPUT,
      `Some fields are invalid: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`,
      { reason, ...details, fields },
    );
  }

  static field(field: string, message: string, reason: string = CoreErrorReason.INVALID_VALUE): ValidationError {
    return new ValidationError([{ field, message }], reason);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(ErrorCode.NOT_FOUND, `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: AppErrorDetails & { reason: string }) {
    super(ErrorCode.CONFLICT, message, details);
  }
}

// What a client is told for each reason an access token gave no user.
const TOKEN_MESSAGES: Record<string, string> = {
  TOKEN_MISSING: 'You must be signed in',
  TOKEN_EXPIRED: 'Your access token has expired; get a new one with refreshToken',
  TOKEN_REVOKED: 'Your access token was revoked; get a new one with refreshToken, or sign in again',
  TOKEN_INVALID: 'Your access token is not valid; sign in again',
};

export class UnauthenticatedError extends AppError {
  constructor(message = 'You must be signed in', details: AppErrorDetails = {}) {
    super(ErrorCode.UNAUTHENTICATED, message, details);
  }

  /** No user for a field that needs one: `failure` says what was wrong with the sent token. */
  static token(failure: string | null): UnauthenticatedError {
    const reason = failure ?? CoreErrorReason.TOKEN_MISSING;
    return new UnauthenticatedError(TOKEN_MESSAGES[reason] ?? TOKEN_MESSAGES.TOKEN_INVALID, { reason });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many attempts; try again later') {
    super(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });
  }
}

/** An id given for a related object (e.g. `input.contactId`) names nothing the user owns. */
export function relationNotFound(field: string, what: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `${what} not found`, { fields: [{ field, message: 'not found' }] });
}
