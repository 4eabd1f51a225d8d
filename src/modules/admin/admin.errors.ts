/** Reasons the administration gives with CONFLICT and BAD_USER_INPUT (docs/errors.md). */
export enum AdminErrorReason {
  ALREADY_SUSPENDED = 'ALREADY_SUSPENDED',
  NOT_SUSPENDED = 'NOT_SUSPENDED',
  /** An administrator may not suspend their own account. */
  OWN_ACCOUNT = 'OWN_ACCOUNT',
  /** The last active administrator cannot be demoted. */
  LAST_ADMIN = 'LAST_ADMIN',
}
