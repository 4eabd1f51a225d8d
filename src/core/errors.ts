/** The codes a client can rely on in `extensions.code` (DESIGN §3, docs/errors.md). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** One offending input field: `field` is the path as the client sent it, e.g. `input.email`. */
export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorDetails {
  /** A module-specific reason, e.g. `INVALID_CREDENTIALS` or `OVERLAP`. */
  reason?: string;
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
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: AppErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(fields: FieldError[], message = 'Some fields are invalid') {
    super(ErrorCode.BAD_USER_INPUT, `${message}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, {
      fields,
    });
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(ErrorCode.NOT_FOUND, `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: AppErrorDetails = {}) {
    super(ErrorCode.CONFLICT, message, details);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'You must be signed in', details: AppErrorDetails = {}) {
    super(ErrorCode.UNAUTHENTICATED, message, details);
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
