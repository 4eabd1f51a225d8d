import { DateTime } from 'luxon';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, relationNotFound, ValidationError } from '../../core/errors';
import { isUuid } from '../../core/ids';
import type { AuthUser } from '../auth/access-tokens';
import { EmailKind, EmailStatus } from '../emails/email-kind';
import { intoWindow } from '../emails/email-planner';
import type { OutboxChange } from '../emails/email-queue';
import { EmailSuppression } from '../emails/email-suppression.entity';
import { CancelReason, type OutboxService } from '../emails/outbox.service';
import { ScheduledEmail } from '../emails/scheduled-email.entity';
import { InteractionKind, LoggedInteraction } from '../interactions/interaction.entity';
import { assertUnderInteractionCap } from '../interactions/interaction-cap';
import { User } from '../users/user.entity';
import { canMove, ContactStage } from './contact-stage';
import { Contact } from './contact.entity';
import { assertUnderOutreachCaps, type OutreachCaps } from './outreach-caps';
import { ContactErrorReason, ContactErrors } from './contact.errors';

export const OUTREACH_MESSAGE_MAX = 5_000;
export const INTERACTION_NOTE_MAX = 2_000;
/** A client clock a little ahead of ours is not "the future". */
const CLOCK_SKEW_MS = 60_000;

// Control characters other than tab and line breaks: never needed in a message, and NUL breaks Postgres text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** `outreach:<contactId>:<n>`: the n-th outreach request to this contact (0-based). */
export const outreachDedupeKey = (contactId: string, n: number) => `outreach:${contactId}:${n}`;
export const outreachNudgeDedupeKey = (contactId: string, n: number) => `outreach-nudge:${contactId}:${n}`;

/** Free text from an argument: line breaks normalised, surrounding space trimmed, limits checked. */
function text(value: string, field: string, max: number): string {
  const normalised = value.replace(/\r\n?/g, '\n').trim();
  if (!normalised) throw ValidationError.field(field, 'must not be empty');
  if (normalised.length > max) throw ValidationError.field(field, `must be at most ${max} characters`);
  if (CONTROL.test(normalised)) throw ValidationError.field(field, 'must not contain control characters');
  return normalised;
}

/**
 * Reaching out and staying in touch: the outreach request Rapport emails on the user's behalf
 * (with a nudge to the user if nobody answers), and interactions the user logs by hand, which
 * restart the contact's keep-in-touch clock.
 */
export class OutreachService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
    private readonly caps: OutreachCaps,
  ) {}

  /**
   * Emails the user's request for a conversation to the contact (now, inside the sending window
   * in the contact's zone), moves the contact to REQUESTED, and plans a nudge to the user
   * `outreachNudgeDays` after it goes out, unless the user switched nudges off. One transaction.
   * RATE_LIMITED (OUTREACH_LIMIT) over the per-user daily or per-address weekly cap.
   */
  async requestMeeting(
    authUser: AuthUser,
    contactId: string,
    message: string,
    now = new Date(),
  ): Promise<{ contact: Contact; email: ScheduledEmail }> {
    const body = text(message, 'input.message', OUTREACH_MESSAGE_MAX);
    const changes: OutboxChange[] = [];
    const result = await this.ds.transaction(async (m) => {
      // Locked: two requests at once must count each other when they number their emails.
      const contact = await this.lockOwn(m, authUser, contactId);
      if (!contact.email)
        throw ValidationError.field('input.contactId', 'has no email address', ContactErrorReason.NO_EMAIL_ADDRESS);
      const suppressed = await m.getRepository(EmailSuppression).findOneBy({ email: contact.email.toLowerCase() });
      if (contact.emailOptOut || suppressed) {
        throw new ConflictError('This contact does not want emails from Rapport', {
          reason: 'OPTED_OUT',
          fields: [{ field: 'input.contactId', message: 'has opted out of emails' }],
        });
      }
      if (!canMove(contact.stage, ContactStage.REQUESTED)) {
        throw ContactErrors.illegalStage(contact.stage, ContactStage.REQUESTED, 'input.contactId');
      }
      // Last check before planning: a refused request plans nothing and leaves the contact as it was.
      await assertUnderOutreachCaps(m, authUser.id, contact.email, this.caps, now);
      const user = await m.getRepository(User).findOneByOrFail({ id: authUser.id });
      const window = { startMinute: user.sendingWindowStartMinute, endMinute: user.sendingWindowEndMinute };

      // A new request to the same contact is a new email, never a collision with the last one.
      const [{ n }]: { n: number }[] = await m.query(
        `SELECT count(*)::int AS n FROM scheduled_emails WHERE user_id = $1 AND dedupe_key LIKE $2`,
        [user.id, `outreach:${contact.id}:%`],
      );
      const sendAt = intoWindow(now, now, { ...window, zone: contact.timezone ?? user.timezone });
      const outreach = await this.outbox.plan(m, {
        userId: user.id,
        contactId: contact.id,
        kind: EmailKind.OUTREACH,
        dedupeKey: outreachDedupeKey(contact.id, n),
        to: { email: contact.email, name: contact.fullName },
        sendAt,
        // Shown as the template's {{message}}, escaped, never run as a template itself.
        bodyOverride: body,
      });
      changes.push(outreach);

      // The clock of an earlier nudge to this contact restarts with this request.
      const earlier = await m.getRepository(ScheduledEmail).findBy({
        userId: user.id,
        contactId: contact.id,
        kind: EmailKind.OUTREACH_NUDGE,
        status: EmailStatus.PENDING,
      });
      for (const row of earlier) changes.push(...(await this.outbox.cancel(m, row, CancelReason.PLAN_CHANGED)));
      if (!user.disabledReminders.includes(EmailKind.OUTREACH_NUDGE)) {
        // Calendar days in the user's zone, so the nudge keeps the time of day across DST.
        const wanted = DateTime.fromJSDate(sendAt, { zone: user.timezone })
          .plus({ days: user.outreachNudgeDays })
          .toJSDate();
        changes.push(
          await this.outbox.plan(m, {
            userId: user.id,
            contactId: contact.id,
            kind: EmailKind.OUTREACH_NUDGE,
            dedupeKey: outreachNudgeDedupeKey(contact.id, n),
            to: { email: user.email, name: user.name },
            sendAt: intoWindow(wanted, now, { ...window, zone: user.timezone }),
          }),
        );
      }

      contact.stage = ContactStage.REQUESTED;
      const saved = await m.getRepository(Contact).save(contact);
      // Read back in the transaction: the row as planned (subject rendered), before any worker claims it.
      const email = await m.getRepository(ScheduledEmail).findOneByOrFail({ id: outreach.id, userId: user.id });
      return { contact: saved, email };
    });
    await this.outbox.commit(changes);
    return result;
  }

  /**
   * Records that the user was in touch with the contact (a call, a coffee, a message): a row of
   * the contact's timeline, with the note if there is one, and `lastContactedAt` moved forward to
   * `at` (never back), which restarts the keep-in-touch clock.
   */
  async logInteraction(
    authUser: AuthUser,
    contactId: string,
    note: string | null | undefined,
    at: Date | null | undefined,
    kind: InteractionKind = InteractionKind.OTHER,
    now = new Date(),
  ): Promise<Contact> {
    const line = note?.trim() ? text(note, 'input.note', INTERACTION_NOTE_MAX) : null;
    if (at && at.getTime() > now.getTime() + CLOCK_SKEW_MS)
      throw ValidationError.field('input.at', 'must not be in the future');
    const when = at && at < now ? at : now;
    return this.ds.transaction(async (m) => {
      const contact = await this.lockOwn(m, authUser, contactId);
      await assertUnderInteractionCap(m, authUser.id, contact.id);
      await m
        .getRepository(LoggedInteraction)
        .insert({ userId: authUser.id, contactId: contact.id, kind, occurredAt: when, note: line });
      if (!contact.lastContactedAt || contact.lastContactedAt < when) contact.lastContactedAt = when;
      return m.getRepository(Contact).save(contact);
    });
  }

  /** The user's contact, locked for this transaction; NOT_FOUND naming `input.contactId` otherwise. */
  private async lockOwn(m: EntityManager, authUser: AuthUser, contactId: string): Promise<Contact> {
    const contact = isUuid(contactId)
      ? await m
          .getRepository(Contact)
          .findOne({ where: { id: contactId, userId: authUser.id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!contact) throw relationNotFound('input.contactId', 'Contact');
    return contact;
  }
}
