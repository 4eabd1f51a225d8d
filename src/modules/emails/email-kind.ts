import { registerEnumType } from 'type-graphql';

export enum EmailKind {
  PREP_REMINDER = 'PREP_REMINDER',
  THANK_YOU = 'THANK_YOU',
  FOLLOW_UP = 'FOLLOW_UP',
  KEEP_IN_TOUCH_DIGEST = 'KEEP_IN_TOUCH_DIGEST',
  OUTREACH = 'OUTREACH',
  OUTREACH_NUDGE = 'OUTREACH_NUDGE',
  /** To the user when a meeting whose invitation they received is cancelled: carries METHOD:CANCEL. */
  MEETING_CANCELLED = 'MEETING_CANCELLED',
  /** To the user when a meeting whose invitation they received moves: an updated invitation. */
  MEETING_UPDATED = 'MEETING_UPDATED',
  /** To the address an account was registered with: the link that proves it is theirs. */
  EMAIL_VERIFICATION = 'EMAIL_VERIFICATION',
  /** To the account's address, on requestPasswordReset: the link that sets a new password. */
  PASSWORD_RESET = 'PASSWORD_RESET',
  /** To the address an account moved away from (changeEmail), once the new one is verified. */
  EMAIL_CHANGED = 'EMAIL_CHANGED',
  /** To an account's address when somebody registers it again: sign in, or reset the password. */
  ACCOUNT_EXISTS = 'ACCOUNT_EXISTS',
  /** To the user once a week, on their chosen weekday: meetings against the goal, the streak, who is due a note. */
  WEEKLY_DIGEST = 'WEEKLY_DIGEST',
  /** To the user on the morning a promise they made is due (or folded into that day's digest). */
  COMMITMENT_DUE = 'COMMITMENT_DUE',
  /** To the user on the morning an open job lead's deadline falls (or folded into that day's digest). */
  JOB_LEAD_DEADLINE = 'JOB_LEAD_DEADLINE',
  /** To the account's address when an administrator suspends it: what it means and whom to ask. */
  ACCOUNT_SUSPENDED = 'ACCOUNT_SUSPENDED',
}
registerEnumType(EmailKind, { name: 'EmailKind' });

/** Emails to the contact (From the platform with the user's name, Reply-To the user, unsubscribable). */
export const CONTACT_FACING: ReadonlySet<EmailKind> = new Set([
  EmailKind.THANK_YOU,
  EmailKind.FOLLOW_UP,
  EmailKind.OUTREACH,
]);

/** Reminders to the user, which the user may switch off per kind. */
export const USER_REMINDERS: ReadonlySet<EmailKind> = new Set([
  EmailKind.PREP_REMINDER,
  EmailKind.KEEP_IN_TOUCH_DIGEST,
  EmailKind.OUTREACH_NUDGE,
  EmailKind.WEEKLY_DIGEST,
  EmailKind.COMMITMENT_DUE,
  EmailKind.JOB_LEAD_DEADLINE,
]);

/** The day's reminders of things due, which the keep-in-touch digest carries when there is one (due-reminders.ts). */
export const DUE_REMINDERS = [EmailKind.COMMITMENT_DUE, EmailKind.JOB_LEAD_DEADLINE] as const;
export type DueReminderKind = (typeof DUE_REMINDERS)[number];

/**
 * Emails about the account itself, in Rapport's own fixed wording: never editable (the address
 * may be someone else's, and the account holder chooses none of the text; a preview shows the
 * wording with a placeholder link and no one's data), and sent at once, outside the sending window. Their link carries a token minted as the worker
 * renders the message (email.worker.ts), so no table or list ever holds it.
 */
export const ACCOUNT_EMAILS: ReadonlySet<EmailKind> = new Set([
  EmailKind.EMAIL_VERIFICATION,
  EmailKind.PASSWORD_RESET,
  EmailKind.EMAIL_CHANGED,
  EmailKind.ACCOUNT_EXISTS,
  EmailKind.ACCOUNT_SUSPENDED,
]);

/** Why a PENDING email waits (ScheduledEmail.heldReason). */
export enum HeldReason {
  /** Mail to contacts of an account whose address is not verified yet. */
  EMAIL_NOT_VERIFIED = 'EMAIL_NOT_VERIFIED',
  /** Any pending email of a suspended account (the database's trigger holds those planned later too). */
  ACCOUNT_SUSPENDED = 'ACCOUNT_SUSPENDED',
}

export enum EmailStatus {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  SENT = 'SENT',
  CANCELLED = 'CANCELLED',
  FAILED = 'FAILED',
  SUPPRESSED = 'SUPPRESSED',
  UNCERTAIN = 'UNCERTAIN',
}
registerEnumType(EmailStatus, {
  name: 'EmailStatus',
  description:
    'PENDING → SENDING → SENT; CANCELLED (plan changed), SUPPRESSED (opted out or bounced address), FAILED (gave up), UNCERTAIN (the worker stopped between handing the message to SMTP and hearing back: it may have been delivered, so it is not re-sent automatically).',
});
