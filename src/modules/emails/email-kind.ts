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
]);

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
