import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../../core/config';
import { EntityReader } from '../../core/db/entity-reader';
import { queryPrepared } from '../../core/db/prepared';
import type { Logger } from '../../core/logger';
import { Contact } from '../contacts/contact.entity';
import { Meeting, MeetingStatus } from '../meetings/meeting.entity';
import { User } from '../users/user.entity';
import type { EmailComposer, Renderable } from './email-composer';
import { EmailEvent } from './email-event.entity';
import { EmailEventType } from './email-event-type';
import { CONTACT_FACING, EmailKind, EmailStatus } from './email-kind';
import { planMeetingEmails, type PlanningContact, type PlanningMeeting, type PlanningUser } from './email-planner';
import type { EmailQueue, OutboxChange } from './email-queue';
import { ScheduledEmail } from './scheduled-email.entity';

const KIND_LABELS: Record<EmailKind, string> = {
  [EmailKind.PREP_REMINDER]: 'Prep reminder',
  [EmailKind.THANK_YOU]: 'Thank you',
  [EmailKind.FOLLOW_UP]: 'Follow-up',
  [EmailKind.KEEP_IN_TOUCH_DIGEST]: 'Keep in touch',
  [EmailKind.OUTREACH]: 'Introduction request',
  [EmailKind.OUTREACH_NUDGE]: 'No answer yet',
  [EmailKind.MEETING_CANCELLED]: 'Meeting cancelled',
  [EmailKind.MEETING_UPDATED]: 'Meeting moved',
  [EmailKind.EMAIL_VERIFICATION]: 'Verify your email address',
  [EmailKind.PASSWORD_RESET]: 'Reset your password',
  [EmailKind.EMAIL_CHANGED]: 'Your address was changed',
  [EmailKind.ACCOUNT_EXISTS]: 'You already have an account',
  [EmailKind.WEEKLY_DIGEST]: 'Your week',
  [EmailKind.COMMITMENT_DUE]: 'Promises due today',
  [EmailKind.JOB_LEAD_DEADLINE]: 'Last day to apply',
  [EmailKind.ACCOUNT_SUSPENDED]: 'Your account was suspended',
};

const MEETING_KINDS = [EmailKind.PREP_REMINDER, EmailKind.THANK_YOU, EmailKind.FOLLOW_UP] as const;

/** `meeting:<id>:<kind>:<step>`; the prep reminder's step is the meeting's .ics SEQUENCE. */
export const meetingDedupeKey = (meetingId: string, kind: EmailKind, step = 0) =>
  `meeting:${meetingId}:${kind}:${step}`;

/** A planned row before it is written: what `insert` writes, bar the subject and status. */
type NewRow = Renderable & { id: string; dedupeKey: string; sendAt: Date };

/** One email to plan: whose, about what, to whom and when (`dedupeKey` unique for the user). */
interface PlannedEmail {
  userId: string;
  meetingId: string | null;
  contactId: string | null;
  kind: EmailKind;
  dedupeKey: string;
  to: { email: string; name: string | null };
  sendAt: Date;
  bodyOverride?: string | null;
}

// The rows and their PLANNED events in one statement (planNewMeeting).
const INSERT_PLANNED = `
WITH planned AS (
  INSERT INTO scheduled_emails (id, user_id, meeting_id, contact_id, kind, dedupe_key, to_email, to_name, subject,
                                subject_override, body_override, send_at, message_id, status)
  SELECT r.*, 'PENDING'::email_status
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::email_kind[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[])
         AS r(id, user_id, meeting_id, contact_id, kind, dedupe_key, to_email, to_name, subject, subject_override,
              body_override, send_at, message_id)
  RETURNING id, user_id
)
INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
SELECT p.id, p.user_id, $14::text, 0, d.detail
  FROM planned p JOIN unnest($1::uuid[], $15::text[]) AS d(id, detail) ON d.id = p.id`;

interface MeetingOutbox {
  meeting: Meeting;
  user: User;
  contact: Contact | null;
  rows: ScheduledEmail[];
}

const outboxReads = new WeakMap<
  DataSource,
  (m: EntityManager, userId: string, id: string) => Promise<MeetingOutbox | null>
>();

/**
 * The meeting, its user, its contact and its outbox rows, whole, in one statement (one row per
 * outbox row); null when the meeting is missing or another user's.
 */
function readMeetingOutbox(m: EntityManager, userId: string, meetingId: string): Promise<MeetingOutbox | null> {
  let read = outboxReads.get(m.connection);
  if (!read) {
    const ds = m.connection;
    const meetings = new EntityReader(ds, Meeting);
    const users = new EntityReader(ds, User);
    const contacts = new EntityReader(ds, Contact);
    const emails = new EntityReader(ds, ScheduledEmail);
    const [all, u, c, e] = [meetings, users, contacts, emails].map((r) => r.columnsFor(null));
    const text = `
SELECT ${all.selectList('m')}, ${u.selectList('u')}, ${c.selectList('c')}, ${e.selectList('s')}
  FROM meetings m
  JOIN users u ON u.id = m.user_id
  LEFT JOIN contacts c ON c.id = m.contact_id AND c.user_id = m.user_id
  LEFT JOIN scheduled_emails s ON s.meeting_id = m.id AND s.user_id = m.user_id
 WHERE m.id = $1 AND m.user_id = $2`;
    read = async (manager, owner, id) => {
      const found = await queryPrepared(manager, text, [id, owner]);
      if (!found.length) return null;
      return {
        meeting: meetings.hydrate(found[0], 'm', all)!,
        user: users.hydrate(found[0], 'u', u)!,
        contact: contacts.hydrate(found[0], 'c', c),
        rows: found.map((row) => emails.hydrate(row, 's', e)).filter((r): r is ScheduledEmail => r !== null),
      };
    };
    outboxReads.set(ds, read);
  }
  return read(m, userId, meetingId);
}

/** Cancellation reasons; BY_USER is never undone by re-planning. */
export enum CancelReason {
  BY_USER = 'BY_USER',
  PLAN_CHANGED = 'PLAN_CHANGED',
  MEETING_CANCELLED = 'MEETING_CANCELLED',
  MEETING_NO_SHOW = 'MEETING_NO_SHOW',
  MEETING_PASSED = 'MEETING_PASSED',
  CONTACT_DELETED = 'CONTACT_DELETED',
  NO_ADDRESS = 'NO_ADDRESS',
  /** An outreach nudge whose contact is no longer REQUESTED: they answered, or the plan moved on. */
  ANSWERED = 'ANSWERED',
  /** A keep-in-touch digest with no contact due any more when it was to be sent. */
  NOTHING_DUE = 'NOTHING_DUE',
  /** A promise or deadline reminder whose items the day's keep-in-touch digest carries instead. */
  FOLDED_INTO_DIGEST = 'FOLDED_INTO_DIGEST',
}

/**
 * Keeps `scheduled_emails` in step with what the user planned. Every method runs inside the
 * caller's transaction and returns the changes; `commit` then mirrors them into Redis.
 */
export class OutboxService {
  constructor(
    private readonly config: Config,
    private readonly composer: EmailComposer,
    private readonly queue: EmailQueue,
    private readonly logger: Logger,
  ) {}

  /** Call after the transaction that produced `changes` has committed. */
  commit(changes: OutboxChange[]): Promise<void> {
    return this.queue.apply(changes);
  }

  /**
   * Brings a meeting's prep reminder, thank-you and follow-up in line with the meeting as it is
   * now, and keeps the user's calendar right once an invitation has gone out: a reschedule sends
   * an updated invitation, a cancel withdraws it.
   */
  async syncMeeting(m: EntityManager, userId: string, meetingId: string, now = new Date()): Promise<OutboxChange[]> {
    const read = await readMeetingOutbox(m, userId, meetingId);
    if (!read) return [];
    const { meeting, user, contact, rows } = read;
    const byKey = new Map(rows.map((r) => [r.dedupeKey, r]));
    // A reminder belongs to one version of the meeting: a reschedule (new SEQUENCE) plans a new one.
    const keyOf = (kind: EmailKind) =>
      meetingDedupeKey(meeting.id, kind, kind === EmailKind.PREP_REMINDER ? meeting.icsSequence : 0);
    const plan =
      meeting.status === MeetingStatus.SCHEDULED || meeting.status === MeetingStatus.COMPLETED
        ? planMeetingEmails(meeting, user, contact, now)
        : {};
    // Once a meeting is over, its prep reminder has no purpose.
    if (meeting.status === MeetingStatus.COMPLETED) delete plan[EmailKind.PREP_REMINDER];
    const stopReason =
      meeting.status === MeetingStatus.CANCELLED
        ? CancelReason.MEETING_CANCELLED
        : meeting.status === MeetingStatus.NO_SHOW
          ? CancelReason.MEETING_NO_SHOW
          : meeting.status === MeetingStatus.COMPLETED
            ? CancelReason.MEETING_PASSED
            : CancelReason.PLAN_CHANGED;
    const toUser = { email: user.email, name: user.name };
    const target = { userId, meetingId: meeting.id, contactId: meeting.contactId };

    const changes: OutboxChange[] = [];
    // New rows are written together at the end: their subjects' data in one statement, the rows
    // and their events in one more.
    const planned: NewRow[] = [];
    for (const kind of MEETING_KINDS) {
      const sendAt = plan[kind];
      const row = byKey.get(keyOf(kind));
      const to =
        kind === EmailKind.PREP_REMINDER
          ? toUser
          : { email: contact?.email ?? '', name: contact?.fullName ?? meeting.contactName };
      if (sendAt && !row) {
        planned.push(this.newRow({ ...target, kind, dedupeKey: keyOf(kind), to, sendAt }));
      } else if (sendAt && row && this.revivable(row)) {
        changes.push(...(await this.replan(m, row, to, sendAt)));
      } else if (!sendAt && row?.status === EmailStatus.PENDING) {
        changes.push(...(await this.cancel(m, row, stopReason)));
      }
    }

    const reminders = rows.filter((r) => r.kind === EmailKind.PREP_REMINDER);
    // Reminders for an earlier version of the meeting that have not gone out: their time is gone.
    for (const old of reminders.filter((r) => r.dedupeKey !== keyOf(EmailKind.PREP_REMINDER))) {
      if (old.status === EmailStatus.PENDING) changes.push(...(await this.cancel(m, old, CancelReason.PLAN_CHANGED)));
    }
    // The user's calendar holds an invitation the moment a reminder went out.
    const invited = reminders.some((r) => r.status === EmailStatus.SENT);
    const calendarUpdate = (kind: EmailKind, step: number) => {
      const dedupeKey = meetingDedupeKey(meeting.id, kind, step);
      // A calendar update should not wait for the sending window.
      if (!byKey.has(dedupeKey)) planned.push(this.newRow({ ...target, kind, dedupeKey, to: toUser, sendAt: now }));
    };
    if (invited && meeting.status === MeetingStatus.CANCELLED) calendarUpdate(EmailKind.MEETING_CANCELLED, 0);
    const currentReminder = plan[EmailKind.PREP_REMINDER];
    const reminderSoon = currentReminder !== undefined && currentReminder.getTime() - now.getTime() < 60_000;
    const currentSent = byKey.get(keyOf(EmailKind.PREP_REMINDER))?.status === EmailStatus.SENT;
    if (invited && !currentSent && !reminderSoon && meeting.status === MeetingStatus.SCHEDULED) {
      // Moved after the invitation went out, and the new reminder is not about to carry the new one.
      calendarUpdate(EmailKind.MEETING_UPDATED, meeting.icsSequence);
    }
    changes.push(...(await this.insertPlanned(m, planned)));
    return changes;
  }

  /**
   * The prep reminder, thank-you and follow-up of a meeting written in this transaction, from the
   * meeting, user and contact the caller has just read: what syncMeeting does for a meeting that
   * has no emails yet, in two statements (the subjects' data, then the rows with their events)
   * instead of four reads and three for each email.
   */
  async planNewMeeting(
    m: EntityManager,
    meeting: Pick<Meeting, 'id' | 'userId' | 'contactId' | 'contactName' | 'icsSequence'> & PlanningMeeting,
    user: PlanningUser & { email: string; name: string },
    contact: (PlanningContact & { fullName: string }) | null,
    now = new Date(),
  ): Promise<OutboxChange[]> {
    const plan = planMeetingEmails(meeting, user, contact, now);
    const rows: NewRow[] = [];
    for (const kind of MEETING_KINDS) {
      const sendAt = plan[kind];
      if (!sendAt) continue;
      const to =
        kind === EmailKind.PREP_REMINDER
          ? { email: user.email, name: user.name }
          : { email: contact?.email ?? '', name: contact?.fullName ?? meeting.contactName };
      rows.push(
        this.newRow({
          userId: meeting.userId,
          meetingId: meeting.id,
          contactId: meeting.contactId,
          kind,
          dedupeKey: meetingDedupeKey(meeting.id, kind, kind === EmailKind.PREP_REMINDER ? meeting.icsSequence : 0),
          to,
          sendAt,
        }),
      );
    }
    return this.insertPlanned(m, rows);
  }

  /** New rows with their PLANNED events: two statements however many there are (none for none). */
  private async insertPlanned(m: EntityManager, rows: NewRow[]): Promise<OutboxChange[]> {
    if (!rows.length) return [];
    const subjects = await this.plannedSubjects(m, rows);
    const column = <K extends keyof NewRow>(key: K) => rows.map((r) => r[key]);
    await queryPrepared(m, INSERT_PLANNED, [
      column('id'),
      column('userId'),
      column('meetingId'),
      column('contactId'),
      column('kind'),
      column('dedupeKey'),
      column('toEmail'),
      column('toName'),
      subjects,
      column('subjectOverride'),
      column('bodyOverride'),
      column('sendAt'),
      column('messageId'),
      EmailEventType.PLANNED,
      rows.map((r) => r.sendAt.toISOString()),
    ]);
    return rows.map((r) => ({ id: r.id, status: EmailStatus.PENDING, sendAt: r.sendAt, userId: r.userId }));
  }

  /** Re-plans every meeting of the user that still has emails to come (after a settings change). */
  async syncUser(m: EntityManager, userId: string, now = new Date()): Promise<OutboxChange[]> {
    const meetings: { id: string }[] = await m.query(
      `SELECT id FROM meetings WHERE user_id = $1 AND status IN ('SCHEDULED', 'COMPLETED') AND ends_at > now() - interval '400 days'`,
      [userId],
    );
    const changes: OutboxChange[] = [];
    for (const { id } of meetings) changes.push(...(await this.syncMeeting(m, userId, id, now)));
    return changes;
  }

  /** A contact's address or opt-out changed: re-plan their meetings' emails. */
  async syncContact(m: EntityManager, userId: string, contactId: string, now = new Date()): Promise<OutboxChange[]> {
    const meetings: { id: string }[] = await m.query(
      `SELECT DISTINCT meeting_id AS id FROM scheduled_emails WHERE user_id = $1 AND contact_id = $2 AND status = 'PENDING' AND meeting_id IS NOT NULL
       UNION SELECT id FROM meetings WHERE user_id = $1 AND contact_id = $2 AND status IN ('SCHEDULED', 'COMPLETED')`,
      [userId, contactId],
    );
    const changes: OutboxChange[] = [];
    for (const { id } of meetings) changes.push(...(await this.syncMeeting(m, userId, id, now)));
    return changes;
  }

  /** Cancels every pending email to a contact (before the contact is deleted). */
  async cancelForContact(
    m: EntityManager,
    userId: string,
    contactId: string,
    reason: CancelReason,
  ): Promise<OutboxChange[]> {
    const rows = await m.getRepository(ScheduledEmail).findBy({ userId, contactId, status: EmailStatus.PENDING });
    const changes: OutboxChange[] = [];
    for (const row of rows.filter((r) => CONTACT_FACING.has(r.kind))) {
      changes.push(...(await this.cancel(m, row, reason)));
    }
    return changes;
  }

  /**
   * Cancels a row if it is still as it was read (PENDING, not claimed since): a worker may have
   * claimed it meanwhile, and a SENDING or SENT row is never rewritten. Returns the change, or
   * nothing when the row had moved on (then there is no event and no timer to touch).
   */
  async cancel(m: EntityManager, row: ScheduledEmail, reason: CancelReason): Promise<OutboxChange[]> {
    if (!(await this.writeIfUnchanged(m, row, { status: EmailStatus.CANCELLED, cancelReason: reason }))) return [];
    await this.event(m, row, EmailEventType.CANCELLED, reason);
    return [{ id: row.id, status: EmailStatus.CANCELLED, sendAt: row.sendAt, userId: row.userId }];
  }

  /**
   * Writes `values` only if the row still has the status (and, for a cancelled row, the reason)
   * and the attempt count it was read with: a claim raises attempts, so a row that went
   * PENDING → SENDING → PENDING meanwhile does not match either. Under READ COMMITTED a row
   * being claimed right now is waited for and then checked again, so the two never both win.
   */
  private async writeIfUnchanged(
    m: EntityManager,
    row: ScheduledEmail,
    values: Partial<Pick<ScheduledEmail, 'status' | 'cancelReason' | 'toEmail' | 'toName' | 'sendAt' | 'subject'>>,
  ): Promise<boolean> {
    const qb = m
      .createQueryBuilder()
      .update(ScheduledEmail)
      .set(values)
      .where('id = :id AND status = :status AND attempts = :attempts', {
        id: row.id,
        status: row.status,
        attempts: row.attempts,
      });
    if (row.status === EmailStatus.CANCELLED) {
      qb.andWhere('cancel_reason IS NOT DISTINCT FROM :reason', { reason: row.cancelReason });
    }
    const result = await qb.execute();
    return (result.affected ?? 0) > 0;
  }

  async event(
    m: EntityManager,
    row: Pick<ScheduledEmail, 'id' | 'userId' | 'attempts'>,
    event: EmailEventType,
    detail: string | null = null,
  ) {
    await m
      .getRepository(EmailEvent)
      .insert({ scheduledEmailId: row.id, userId: row.userId, event, attempt: row.attempts, detail });
  }

  /**
   * The subject as the email would be sent now (what lists show). A template that fails to
   * render must not block the change that planned the email: the worker reports it at send time.
   */
  async plannedSubject(m: EntityManager, row: Renderable): Promise<string> {
    try {
      return (await this.composer.subject(m, row)) ?? '';
    } catch (err) {
      this.logger.warn({ err, kind: row.kind }, 'could not render the subject of a planned email');
      return row.subjectOverride ?? KIND_LABELS[row.kind];
    }
  }

  /** plannedSubject for several rows, their data read in one statement. */
  private async plannedSubjects(m: EntityManager, rows: Renderable[]): Promise<string[]> {
    const fallback = (row: Renderable, err: unknown) => {
      this.logger.warn({ err, kind: row.kind }, 'could not render the subject of a planned email');
      return row.subjectOverride ?? KIND_LABELS[row.kind];
    };
    let data: Awaited<ReturnType<EmailComposer['loadMany']>>;
    try {
      data = await this.composer.loadMany(m, rows);
    } catch (err) {
      return rows.map((row) => fallback(row, err));
    }
    return rows.map((row, i) => {
      try {
        return this.composer.subjectFrom(row, data[i]) ?? '';
      } catch (err) {
        return fallback(row, err);
      }
    });
  }

  private revivable(row: ScheduledEmail): boolean {
    return (
      row.status === EmailStatus.PENDING ||
      (row.status === EmailStatus.CANCELLED && row.cancelReason !== CancelReason.BY_USER)
    );
  }

  /**
   * Plans one email that belongs to no meeting (an outreach request, a nudge…) inside the
   * caller's transaction. `dedupeKey` must be unique for the user: planning the same key twice
   * is a unique violation, so callers choose keys that say which occurrence this is.
   */
  plan(m: EntityManager, data: Omit<PlannedEmail, 'meetingId'>): Promise<OutboxChange> {
    return this.insert(m, { ...data, meetingId: null });
  }

  private async insert(m: EntityManager, data: PlannedEmail): Promise<OutboxChange> {
    const row = this.newRow(data);
    const { id } = row;
    const subject = await this.plannedSubject(m, row);
    await m.getRepository(ScheduledEmail).insert({ ...row, subject, status: EmailStatus.PENDING });
    await this.event(m, { id, userId: data.userId, attempts: 0 }, EmailEventType.PLANNED, data.sendAt.toISOString());
    return { id, status: EmailStatus.PENDING, sendAt: data.sendAt, userId: data.userId };
  }

  private newRow(data: PlannedEmail): NewRow {
    const id = randomUUID();
    return {
      id,
      userId: data.userId,
      meetingId: data.meetingId,
      contactId: data.contactId,
      kind: data.kind,
      dedupeKey: data.dedupeKey,
      toEmail: data.to.email,
      toName: data.to.name,
      subjectOverride: null,
      bodyOverride: data.bodyOverride ?? null,
      sendAt: data.sendAt,
      // Fixed once: a retried or repeated send carries the same Message-ID, so receivers can dedupe.
      messageId: `<${id}@${this.config.email.messageIdDomain}>`,
    };
  }

  /** Moves or revives a row that is still as it was read; nothing when a worker got to it first. */
  private async replan(
    m: EntityManager,
    row: ScheduledEmail,
    to: { email: string; name: string | null },
    sendAt: Date,
  ): Promise<OutboxChange[]> {
    const moved = row.sendAt.getTime() !== sendAt.getTime();
    const revived = row.status !== EmailStatus.PENDING;
    const updated = { ...row, toEmail: to.email, toName: to.name, sendAt };
    const subject = await this.plannedSubject(m, updated);
    const written = await this.writeIfUnchanged(m, row, {
      toEmail: to.email,
      toName: to.name,
      sendAt,
      subject,
      status: EmailStatus.PENDING,
      cancelReason: null,
    });
    // Claimed meanwhile: it is on its way (or gone) as it was; re-planning it would send it twice.
    if (!written) return [];
    if (revived) await this.event(m, row, EmailEventType.REPLANNED, sendAt.toISOString());
    else if (moved)
      await this.event(m, row, EmailEventType.MOVED, `${row.sendAt.toISOString()} → ${sendAt.toISOString()}`);
    return [{ id: row.id, status: EmailStatus.PENDING, sendAt, previousSendAt: row.sendAt, userId: row.userId }];
  }
}
