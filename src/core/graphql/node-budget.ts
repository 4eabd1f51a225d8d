import { AppError, CoreErrorReason, ErrorCode } from '../errors';

/**
 * How many objects one request may read through its loaders. The cost estimate refuses most
 * large queries before they run, but counts a list without a page size (a contact's
 * introductions, an organisation's insights) as a few items; this counts what is really read,
 * so a request past the limit gets an error for the fields that would go over it instead of
 * every row. Each request gets its own.
 */
export class NodeBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Counts `n` objects read; throws (for the field being read) once the request is over its limit. */
  spend(n: number): void {
    this.used += n;
    if (this.used > this.limit) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        `This request reads more than ${this.limit} objects; ask for smaller pages or fewer nested lists.`,
        { reason: CoreErrorReason.NODE_LIMIT, limit: this.limit },
      );
    }
  }
}
