/** Reasons the email features give with CONFLICT and BAD_USER_INPUT (docs/errors.md). */
export enum EmailErrorReason {
  /** The email is not in a state that allows this (e.g. editing a sent email): see `status`. */
  INVALID_STATUS = 'INVALID_STATUS',
  /** The address unsubscribed or bounced; Rapport will not mail it again. */
  SUPPRESSED = 'SUPPRESSED',
  /** Account emails (verification, reset…) keep Rapport's wording and are not edited or retried by hand. */
  ACCOUNT_EMAIL = 'ACCOUNT_EMAIL',
}
