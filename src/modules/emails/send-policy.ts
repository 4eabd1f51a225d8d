import { ContactStage } from '../contacts/contact-stage';
import { MeetingStatus } from '../meetings/meeting.entity';
import type { EmailFacts } from './email-context';
import { ACCOUNT_EMAILS, CONTACT_FACING, EmailKind, EmailStatus, USER_REMINDERS } from './email-kind';
import { CancelReason } from './outbox.service';

/** What the send-time re-checks look at: the claimed row and what was read with its claim. */
export interface SendPolicyInput {
  kind: EmailKind;
  meetingId: string | null;
  contactId: string | null;
  /** The recipient; for a verification email, which address it verifies. */
  toEmail: string;
  facts: EmailFacts;
  /** For a keep-in-touch digest: how many contacts it would list now (null when nothing was read). */
  dueContacts: number | null;
  /** Promises and deadlines due today it would list now (a due reminder, or a digest carrying them). */
  dueItems?: number | null;
}

/** Why a claimed email ends without being sent, as `scheduled_emails.cancel_reason` records it. */
export type SkipCancelReason =
  CancelReason | 'REMINDER_OFF' | 'ACCOUNT_SUSPENDED' | 'EMAIL_NOT_VERIFIED' | 'ALREADY_VERIFIED';

/** An email the policy stops: the status to end it in, and what to record. */
export interface SendSkip {
  send: false;
  status: EmailStatus.CANCELLED | EmailStatus.SUPPRESSED;
  /** Null for SUPPRESSED: the suppression is the reason. */
  cancelReason: SkipCancelReason | null;
  /** The event's detail, for people reading the email's history. */
  detail: string;
}

export type SendDecision = { send: true } | SendSkip;

const SEND: SendDecision = { send: true };

/**
 * Whether a claimed email may still go, given what may have changed since it was planned. The
 * rules, first match wins: the account is suspended or gone; its address is not verified (only
 * the verification email goes, and only until it is); the meeting is gone or over; the
 * address is suppressed (every email) or the contact opted out (mail to contacts); the reminder is off; a
 * nudge whose contact is gone or has answered; a digest with nobody due any more. No I/O: every
 * fact is read with the claim.
 */
export function decideSend({
  kind,
  meetingId,
  contactId,
  toEmail,
  facts,
  dueContacts,
  dueItems,
}: SendPolicyInput): SendDecision {
  // Nothing goes out in the name of a suspended account, or of one that no longer exists: not
  // its reminders, and not its mail to contacts (an abusive account's outreach above all).
  if (!facts.user) return cancel('ACCOUNT_SUSPENDED', 'the account no longer exists');
  // The notice of a suspension is the one email a suspended account gets, and only while it is.
  if (kind === EmailKind.ACCOUNT_SUSPENDED) {
    if (!facts.user.suspendedAt) return cancel(CancelReason.PLAN_CHANGED, 'the suspension was lifted');
  } else if (facts.user.suspendedAt) return cancel('ACCOUNT_SUSPENDED', 'the account is suspended');
  // An unverified address may be someone else's: it gets the verification email and nothing
  // else. Mail to contacts waits (held_reason) and is never claimed while it does, so only a
  // reminder to the user, whose moment passes, reaches this: it is not sent.
  if (kind === EmailKind.EMAIL_VERIFICATION) {
    // For the account's address until it is verified, or for the address changeEmail waits for.
    const pending = facts.user.pendingEmail !== null && toEmail === facts.user.pendingEmail;
    if (!pending && toEmail !== facts.user.email)
      return cancel(CancelReason.PLAN_CHANGED, 'the address is no longer asked for');
    if (!pending && facts.user.emailVerified) return cancel('ALREADY_VERIFIED', 'the address is already verified');
  } else if (!facts.user.emailVerified && !ACCOUNT_EMAILS.has(kind)) {
    // A password reset goes to an unverified address too: it is what the owner of the address
    // asked for, throttled per address, and using it proves the address (resetPassword).
    return cancel('EMAIL_NOT_VERIFIED', 'the account’s address is not verified');
  }
  if (meetingId) {
    const meeting = facts.meeting;
    // The cancellation notice is the one email a cancelled meeting still sends.
    const over =
      meeting &&
      kind !== EmailKind.MEETING_CANCELLED &&
      (meeting.status === MeetingStatus.CANCELLED || meeting.status === MeetingStatus.NO_SHOW);
    if (!meeting || over) return cancel(CancelReason.MEETING_CANCELLED, 'meeting cancelled');
  }
  // The row's own contact (what was read may be the meeting's contact when the row names none).
  const contact = contactId && facts.contact?.id === contactId ? facts.contact : null;
  // The suppression list is the address owner's word, whoever the email is for (an account may
  // be registered with someone else's address); a contact's opt-out covers mail to that contact.
  if (facts.suppressedReason || (CONTACT_FACING.has(kind) && contact?.emailOptOut)) {
    return {
      send: false,
      status: EmailStatus.SUPPRESSED,
      cancelReason: null,
      detail: facts.suppressedReason ?? 'contact opted out',
    };
  }
  if (USER_REMINDERS.has(kind)) {
    const { user } = facts;
    if (user.disabledReminders.includes(kind)) return cancel('REMINDER_OFF', 'reminder switched off');
  }
  // Reminders worth sending only while their reason holds: a nudge while the contact is still
  // REQUESTED (not once they answered, a meeting was scheduled, they declined…), a digest while
  // someone is still due (an interaction may have been logged since it was planned).
  if (kind === EmailKind.OUTREACH_NUDGE) {
    if (!contact) return cancel(CancelReason.CONTACT_DELETED, 'the contact was deleted');
    if (contact.stage !== ContactStage.REQUESTED) {
      return cancel(CancelReason.ANSWERED, `the contact moved on to ${contact.stage}`);
    }
  }
  // A digest that carries promises or deadlines still goes when no contact is due any more.
  if (kind === EmailKind.KEEP_IN_TOUCH_DIGEST && !dueContacts && !dueItems) {
    return cancel(CancelReason.NOTHING_DUE, 'no contact is due any more');
  }
  if ((kind === EmailKind.COMMITMENT_DUE || kind === EmailKind.JOB_LEAD_DEADLINE) && !dueItems) {
    return cancel(CancelReason.NOTHING_DUE, 'nothing is due today any more');
  }
  return SEND;
}

function cancel(cancelReason: SkipCancelReason, detail: string): SendSkip {
  return { send: false, status: EmailStatus.CANCELLED, cancelReason, detail };
}
