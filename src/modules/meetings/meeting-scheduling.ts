import type { DataSource, EntityManager } from 'typeorm';
import { padForGenericPlan, queryPrepared } from '../../core/db/prepared';
import { isUuid } from '../../core/ids';
import { AUTOMATIC_MOVES, type ContactStage, type StageEvent } from '../contacts/contact-stage';
import { Contact } from '../contacts/contact.entity';
import type { EmailKind } from '../emails/email-kind';
import type { PlanningContact, PlanningUser } from '../emails/email-planner';
import type { Topic } from '../questions/topic';
import { type Meeting, MeetingStatus } from './meeting.entity';
import { meetingReaders } from './meeting-page';

// scheduleMeeting is the busiest write (a week of interviews is booked at once): its reads are one
// statement and its writes one more, each prepared once per connection, instead of one statement
// per row and relation (21 before; docs/benchmarks.md, "Writes", W1).

/** What booking a meeting reads, in one statement that also takes the user's calendar lock. */
export interface SchedulingFacts {
  user: PlanningUser & { email: string; name: string };
  /** The contact with what planning its emails needs; null when it is missing or another user's. */
  contact: (Pick<Contact, 'id' | 'stage' | 'organisationId' | 'fullName'> & PlanningContact) | null;
  /** The organisation asked for, when it is the user's. */
  organisationId: string | null;
  /** The user's questions among those asked for. */
  questions: { id: string; category: Topic; text: string }[];
}

const FACTS = `
SELECT pg_advisory_xact_lock(hashtextextended('meetings:' || $1::uuid::text, 0)) AS calendar_locked,
       u.email AS u_email, u.name AS u_name, u.timezone AS u_timezone,
       u.sending_window_start_minute AS u_window_start, u.sending_window_end_minute AS u_window_end,
       u.thank_you_delay_minutes AS u_thank_you_delay, u.follow_up_delay_days AS u_follow_up_delay,
       u.prep_reminder_hours_before AS u_prep_reminder_hours, u.disabled_reminders::text[] AS u_disabled_reminders,
       c.id AS c_id, c.first_name AS c_first_name, c.last_name AS c_last_name, c.stage AS c_stage,
       c.organisation_id AS c_organisation_id, c.email AS c_email, c.email_opt_out AS c_email_opt_out,
       c.timezone AS c_timezone,
       (SELECT o.id FROM organisations o WHERE o.id = $3::uuid AND o.user_id = u.id) AS o_id,
       (SELECT coalesce(json_agg(json_build_object('id', q.id, 'category', q.category, 'text', q.text)), '[]'::json)
          FROM questions q WHERE q.id = ANY($4::uuid[]) AND q.user_id = u.id) AS questions
  FROM users u
  LEFT JOIN contacts c ON c.id = $2::uuid AND c.user_id = u.id
 WHERE u.id = $1::uuid`;

/**
 * Locks the user's calendar for the rest of the transaction (so two bookings at once cannot both
 * pass the overlap check, which must therefore run in a later statement) and reads the user, the
 * contact, the organisation and the bank questions a booking names, each scoped to the user.
 */
export async function readSchedulingFacts(
  m: EntityManager,
  userId: string,
  ids: { contactId: string; organisationId: string | null | undefined; questionIds: string[] },
): Promise<SchedulingFacts | null> {
  const organisationId = ids.organisationId && isUuid(ids.organisationId) ? ids.organisationId : null;
  const [r] = await queryPrepared(m, FACTS, [
    userId,
    isUuid(ids.contactId) ? ids.contactId : null,
    organisationId,
    padForGenericPlan(ids.questionIds.filter(isUuid)),
  ]);
  if (!r) return null;
  const contact =
    r.c_id == null
      ? null
      : Object.assign(new Contact(), {
          id: r.c_id as string,
          firstName: r.c_first_name as string,
          lastName: r.c_last_name as string | null,
          stage: r.c_stage as ContactStage,
          organisationId: r.c_organisation_id as string | null,
          email: r.c_email as string | null,
          emailOptOut: r.c_email_opt_out as boolean,
          timezone: r.c_timezone as string | null,
        });
  return {
    user: {
      email: r.u_email as string,
      name: r.u_name as string,
      timezone: r.u_timezone as string,
      sendingWindowStartMinute: r.u_window_start as number,
      sendingWindowEndMinute: r.u_window_end as number,
      thankYouDelayMinutes: r.u_thank_you_delay as number,
      followUpDelayDays: r.u_follow_up_delay as number,
      prepReminderHoursBefore: r.u_prep_reminder_hours as number,
      disabledReminders: (r.u_disabled_reminders as EmailKind[] | null) ?? [],
    },
    contact,
    organisationId: (r.o_id as string | null) ?? null,
    questions: r.questions as SchedulingFacts['questions'],
  };
}

/** The meeting to write, and its agenda in order. */
export interface NewMeeting {
  userId: string;
  contactId: string;
  contactName: string;
  organisationId: string | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: string | null;
  videoUrl: string | null;
  notes: string | null;
  allowOverlap: boolean;
  sendThankYou: boolean;
  sendFollowUp: boolean;
  agenda: { questionId: string | null; category: Topic; text: string }[];
  /** The contact's stage moves by this rule, once the meeting is written. */
  stageEvent: StageEvent;
}

/** A meeting that occupies the asked-for time, as the overlap error names it. */
export type Clash = Pick<Meeting, 'id' | 'title' | 'startsAt' | 'endsAt' | 'timezone'>;

// Meetings that occupy time: a new one may not overlap these (unless allowed).
const BLOCKING = [MeetingStatus.SCHEDULED, MeetingStatus.COMPLETED];

const texts = new WeakMap<DataSource, string>();

function writeText(ds: DataSource): string {
  let text = texts.get(ds);
  if (text === undefined) {
    const all = meetingReaders(ds).meeting.columnsFor(null);
    text = `
WITH clash AS (
  SELECT x.id, x.title, x.starts_at, x.ends_at, x.timezone FROM meetings x
   WHERE NOT $12::boolean AND x.user_id = $1::uuid AND x.status = ANY($15::meeting_status[])
     AND x.starts_at < $7::timestamptz AND x.ends_at > $6::timestamptz
   ORDER BY x.starts_at, x.id LIMIT 1
), meeting AS (
  INSERT INTO meetings AS m (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone,
                             location, video_url, notes, status, allow_overlap, send_thank_you, send_follow_up)
  SELECT $1::uuid, $2::uuid, $3::text, $4::uuid, $5::text, $6::timestamptz, $7::timestamptz, $8::text, $9::text,
         $10::text, $11::text, 'SCHEDULED'::meeting_status, $12::boolean, $13::boolean, $14::boolean
   WHERE NOT EXISTS (SELECT 1 FROM clash)
  RETURNING ${all.selectList('m')}
), agenda AS (
  INSERT INTO meeting_agenda_items (user_id, meeting_id, position, question_id, category, text)
  SELECT $1::uuid, meeting.m_id, a.n - 1, a.question_id, a.category, a.text
    FROM meeting, unnest($16::uuid[], $17::topic[], $18::text[]) WITH ORDINALITY AS a(question_id, category, text, n)
), stage AS (
  UPDATE contacts SET stage = $19::contact_stage, updated_at = now()
   WHERE id = $2::uuid AND user_id = $1::uuid AND stage = ANY($20::contact_stage[]) AND EXISTS (SELECT 1 FROM meeting)
)
SELECT clash.id AS clash_id, clash.title AS clash_title, clash.starts_at AS clash_starts_at,
       clash.ends_at AS clash_ends_at, clash.timezone AS clash_timezone, meeting.*
  FROM (SELECT 1) AS one LEFT JOIN clash ON true LEFT JOIN meeting ON true`;
    texts.set(ds, text);
  }
  return text;
}

/**
 * Writes the meeting, its agenda and the contact's stage move in one statement, unless the time
 * is taken (and overlaps are not allowed): then nothing is written and the clashing meeting,
 * soonest first, is returned. Run after readSchedulingFacts, whose lock makes the check hold.
 */
export async function insertMeeting(
  m: EntityManager,
  meeting: NewMeeting,
): Promise<{ meeting: Meeting; clash: null } | { meeting: null; clash: Clash }> {
  const { to, from } = AUTOMATIC_MOVES[meeting.stageEvent];
  const [r] = await queryPrepared(m, writeText(m.connection), [
    meeting.userId,
    meeting.contactId,
    meeting.contactName,
    meeting.organisationId,
    meeting.title,
    meeting.startsAt,
    meeting.endsAt,
    meeting.timezone,
    meeting.location,
    meeting.videoUrl,
    meeting.notes,
    meeting.allowOverlap,
    meeting.sendThankYou,
    meeting.sendFollowUp,
    BLOCKING,
    meeting.agenda.map((a) => a.questionId),
    meeting.agenda.map((a) => a.category),
    meeting.agenda.map((a) => a.text),
    to,
    from,
  ]);
  if (r.clash_id != null) {
    return {
      meeting: null,
      clash: {
        id: r.clash_id as string,
        title: r.clash_title as string,
        startsAt: r.clash_starts_at as Date,
        endsAt: r.clash_ends_at as Date,
        timezone: r.clash_timezone as string,
      },
    };
  }
  const reader = meetingReaders(m.connection).meeting;
  return { meeting: reader.hydrate(r, 'm', reader.columnsFor(null))!, clash: null };
}
