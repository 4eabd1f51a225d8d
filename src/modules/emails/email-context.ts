import type { EntityManager } from 'typeorm';
import { queryPrepared } from '../../core/db/prepared';
import { isUuid } from '../../core/ids';
import type { ContactStage } from '../contacts/contact-stage';
import type { MeetingStatus } from '../meetings/meeting.entity';
import { loadWeeklyProgress } from '../meetings/weekly-progress';
import { DUE_REMINDERS, CONTACT_FACING, EmailKind, type DueReminderKind } from './email-kind';
import { loadDueItems } from './due-reminders';
import { CONTACT_DUE_SQL } from './keep-in-touch';
import { DEFAULT_TEMPLATES } from './rendering/default-templates';
import type { RenderContext, TemplateSource } from './rendering/render.types';

/** At most this many contacts in one keep-in-touch digest. */
export const DIGEST_LIMIT = 50;

export interface RenderContextOptions {
  userId: string;
  kind: EmailKind;
  meetingId?: string | null;
  contactId?: string | null;
  toEmail: string;
  toName: string | null;
  message?: string | null;
  unsubscribeUrl: string | null;
  appUrl: string;
}

/** The name kept on a meeting whose contact was deleted, as a contact with no details. */
function contactFromName(name: string): NonNullable<RenderContext['contact']> {
  const [firstName, ...rest] = name.trim().split(/\s+/);
  return {
    firstName: firstName ?? name,
    lastName: rest.length ? rest.join(' ') : null,
    fullName: name,
    email: null,
    title: null,
    phone: null,
    linkedinUrl: null,
  };
}

/** What the send-time re-checks need besides the render context, read in the same statement. */
export interface EmailFacts {
  user: {
    disabledReminders: EmailKind[];
    suspendedAt: Date | null;
    emailVerified: boolean;
    email: string;
    /** An address changeEmail is waiting to see verified. */
    pendingEmail: string | null;
  } | null;
  /** The row's meeting, when it has one and it still exists (and is the user's). */
  meeting: { status: MeetingStatus } | null;
  /** The contact the email is about (the row's, else the meeting's), when it exists and is the user's. */
  contact: { id: string; emailOptOut: boolean; stage: ContactStage } | null;
  /** Why `suppressionOf` is on the suppression list, or null. */
  suppressedReason: string | null;
}

export interface EmailData {
  /** null when the user or the referenced meeting no longer exists. */
  ctx: RenderContext | null;
  /** The user's own template for the kind, or Rapport's default. */
  template: TemplateSource;
  facts: EmailFacts;
}

const ORG_COLUMNS = [
  ['id', 'id'],
  ['name', 'name'],
  ['website', 'website'],
  ['industry', 'industry'],
  ['location', 'location'],
  ['description', 'description'],
  ['structure_notes', 'structureNotes'],
  ['niche_notes', 'nicheNotes'],
  ['goals_notes', 'goalsNotes'],
  ['career_prospects_notes', 'careerProspectsNotes'],
  ['culture_notes', 'cultureNotes'],
] as const;

function orgColumns(alias: string): string {
  return ORG_COLUMNS.map(([column]) => `${alias}.${column} AS ${alias}_${column}`).join(', ');
}

/**
 * One row with everything an email can show or be stopped by, read from a relation `k` of keys —
 * (user_id, meeting_id, contact_id, meeting_contact, kind, suppression_of) — that `from` provides:
 * the contact is `contact_id`, else (when `meeting_contact`) the meeting's. Every join is scoped
 * by the user. The worker's claim reads it in the same statement that claims the row.
 */
export function emailDataSelect(from: string, leadingColumns = ''): string {
  return `
SELECT ${leadingColumns}
       u.id AS u_id, u.name AS u_name, u.email AS u_email, u.timezone AS u_timezone, u.locale AS u_locale,
       u.disabled_reminders::text[] AS u_disabled_reminders, u.suspended_at AS u_suspended_at,
       u.email_verified_at IS NOT NULL AS u_email_verified, u.pending_email AS u_pending_email,
       m.id AS m_id, m.title AS m_title, m.starts_at AS m_starts_at, m.ends_at AS m_ends_at,
       m.timezone AS m_timezone, m.location AS m_location, m.video_url AS m_video_url, m.notes AS m_notes,
       m.status AS m_status, m.ics_sequence AS m_ics_sequence, m.contact_name AS m_contact_name,
       CASE WHEN m.id IS NOT NULL THEN (
         SELECT coalesce(json_agg(json_build_object('text', a.text, 'category', a.category) ORDER BY a.position), '[]'::json)
         FROM meeting_agenda_items a WHERE a.meeting_id = m.id AND a.user_id = k.user_id) END AS m_agenda,
       c.id AS c_id, c.first_name AS c_first_name, c.last_name AS c_last_name, c.email AS c_email, c.title AS c_title,
       c.phone AS c_phone, c.linkedin_url AS c_linkedin_url, c.timezone AS c_timezone,
       c.email_opt_out AS c_email_opt_out, c.stage AS c_stage,
       ${orgColumns('o')}, ${orgColumns('co')},
       (SELECT s.reason FROM email_suppressions s WHERE s.email = k.suppression_of) AS suppressed_reason,
       t.subject AS t_subject, t.body AS t_body
  FROM ${from}
  LEFT JOIN users u ON u.id = k.user_id
  LEFT JOIN meetings m ON m.id = k.meeting_id AND m.user_id = k.user_id
  LEFT JOIN organisations o ON o.id = m.organisation_id AND o.user_id = k.user_id
  LEFT JOIN contacts c ON c.id = coalesce(k.contact_id, CASE WHEN k.meeting_contact THEN m.contact_id END) AND c.user_id = k.user_id
  LEFT JOIN organisations co ON co.id = c.organisation_id AND co.user_id = k.user_id
  LEFT JOIN email_templates t ON t.user_id = k.user_id AND t.kind = k.kind`;
}

const EMAIL_DATA = emailDataSelect(
  `(SELECT $1::uuid AS user_id, $2::uuid AS meeting_id, $3::uuid AS contact_id, $4::boolean AS meeting_contact,
             $5::email_kind AS kind, $6::text AS suppression_of) AS k`,
);

const EMAIL_DATA_MANY = `${emailDataSelect(
  `unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::boolean[], $5::email_kind[], $6::text[])
     WITH ORDINALITY AS k(user_id, meeting_id, contact_id, meeting_contact, kind, suppression_of, n)`,
  'k.n AS k_n,',
)}
 ORDER BY k.n`;

export type DataRow = Record<string, unknown>;

function organisationFrom(r: DataRow, alias: string): RenderContext['organisation'] {
  if (r[`${alias}_id`] == null) return null;
  const view: Record<string, unknown> = {};
  for (const [column, field] of ORG_COLUMNS) if (field !== 'id') view[field] = r[`${alias}_${column}`];
  return view as NonNullable<RenderContext['organisation']>;
}

function contactFrom(r: DataRow): NonNullable<RenderContext['contact']> {
  const firstName = r.c_first_name as string;
  const lastName = r.c_last_name as string | null;
  return {
    firstName,
    lastName,
    fullName: lastName ? `${firstName} ${lastName}` : firstName,
    email: r.c_email as string | null,
    title: r.c_title as string | null,
    phone: r.c_phone as string | null,
    linkedinUrl: r.c_linkedin_url as string | null,
  };
}

/**
 * Everything a template may show for one email, and what the send-time re-checks look at, read
 * now from Postgres in one statement (plus the digest list, the weekly progress or the outreach
 * date for the kinds that show them), every part scoped by the user: the user and their template for the kind; the
 * meeting with its agenda, organisation and contact; or the contact with its organisation; and,
 * when `suppressionOf` is given, whether that address is suppressed. Returns null when the user
 * id cannot be one.
 */
export async function loadEmailData(
  m: EntityManager,
  opts: RenderContextOptions & { suppressionOf?: string | null },
): Promise<EmailData | null> {
  if (!isUuid(opts.userId)) return null;
  const meetingId = opts.meetingId && isUuid(opts.meetingId) ? opts.meetingId : null;
  // The row's contact, else the meeting's; a contact id that cannot be one finds nobody.
  const contactId = opts.contactId && isUuid(opts.contactId) ? opts.contactId : null;
  const [r] = await queryPrepared<DataRow>(m, EMAIL_DATA, [
    opts.userId,
    meetingId,
    contactId,
    opts.contactId == null,
    opts.kind,
    opts.suppressionOf ?? null,
  ]);
  return emailDataFrom(m, r, opts);
}

/**
 * loadEmailData for several emails in one statement (a meeting's three, planned together), in
 * the order given. Each entry is null when its user id cannot be one.
 */
export async function loadEmailDataMany(
  m: EntityManager,
  many: (RenderContextOptions & { suppressionOf?: string | null })[],
): Promise<(EmailData | null)[]> {
  const uuidOrNull = (id: string | null | undefined) => (id && isUuid(id) ? id : null);
  const rows = await queryPrepared<DataRow>(m, EMAIL_DATA_MANY, [
    many.map((o) => uuidOrNull(o.userId)),
    many.map((o) => uuidOrNull(o.meetingId)),
    many.map((o) => uuidOrNull(o.contactId)),
    many.map((o) => o.contactId == null),
    many.map((o) => o.kind),
    many.map((o) => o.suppressionOf ?? null),
  ]);
  const out: (EmailData | null)[] = [];
  for (const [i, opts] of many.entries()) {
    out.push(isUuid(opts.userId) ? await emailDataFrom(m, rows[i], opts) : null);
  }
  return out;
}

/**
 * EmailData from a row of `emailDataSelect` (plus the digest list or the outreach date, read here
 * for the two kinds that show them).
 */
export async function emailDataFrom(m: EntityManager, r: DataRow, opts: RenderContextOptions): Promise<EmailData> {
  const { userId, kind } = opts;
  const template: TemplateSource =
    r.t_subject != null ? { subject: r.t_subject as string, body: r.t_body as string } : DEFAULT_TEMPLATES[kind];
  const facts: EmailFacts = {
    user:
      r.u_id != null
        ? {
            disabledReminders: (r.u_disabled_reminders as EmailKind[] | null) ?? [],
            suspendedAt: r.u_suspended_at as Date | null,
            emailVerified: r.u_email_verified === true,
            email: r.u_email as string,
            pendingEmail: (r.u_pending_email as string | null) ?? null,
          }
        : null,
    meeting: r.m_id != null ? { status: r.m_status as MeetingStatus } : null,
    contact:
      r.c_id != null
        ? { id: r.c_id as string, emailOptOut: r.c_email_opt_out as boolean, stage: r.c_stage as ContactStage }
        : null,
    suppressedReason: (r.suppressed_reason as string | null) ?? null,
  };
  // A user that no longer exists, or a meeting that does not (or is not theirs): nothing to render.
  if (r.u_id == null || (opts.meetingId && r.m_id == null)) return { ctx: null, template, facts };

  const user = { name: r.u_name as string, email: r.u_email as string, timezone: r.u_timezone as string };
  const contact = r.c_id != null ? contactFrom(r) : null;
  const meeting: RenderContext['meeting'] =
    r.m_id != null
      ? {
          id: r.m_id as string,
          title: r.m_title as string,
          startsAt: r.m_starts_at as Date,
          endsAt: r.m_ends_at as Date,
          timezone: r.m_timezone as string,
          location: r.m_location as string | null,
          videoUrl: r.m_video_url as string | null,
          notes: r.m_notes as string | null,
          status: r.m_status as string,
          icsSequence: r.m_ics_sequence as number,
          agenda: r.m_agenda as { text: string; category: string }[],
        }
      : null;
  const organisation = organisationFrom(r, 'o') ?? organisationFrom(r, 'co');
  const contactZone = r.c_id != null ? (r.c_timezone as string | null) : null;
  const recipientZone = (CONTACT_FACING.has(kind) ? contactZone : null) ?? user.timezone;

  const ctx: RenderContext = {
    kind,
    recipient: { name: opts.toName, email: opts.toEmail, timezone: recipientZone },
    user,
    locale: r.u_locale as string,
    contact: contact ?? (meeting ? contactFromName(r.m_contact_name as string) : null),
    organisation,
    meeting,
    digest:
      kind === EmailKind.KEEP_IN_TOUCH_DIGEST || kind === EmailKind.WEEKLY_DIGEST ? await loadDigest(m, userId) : null,
    progress: kind === EmailKind.WEEKLY_DIGEST ? await loadProgress(m, userId) : null,
    ...(await dueItemsFor(m, userId, kind)),
    message: opts.message ?? null,
    outreach: kind === EmailKind.OUTREACH_NUDGE && contact ? await loadOutreach(m, userId, r.c_id as string) : null,
    unsubscribeUrl: opts.unsubscribeUrl,
    appUrl: opts.appUrl,
  };
  return { ctx, template, facts };
}

/**
 * Everything a template may show for one email (see loadEmailData). Returns null when the user or
 * the referenced meeting no longer exists.
 */
export async function loadRenderContext(m: EntityManager, opts: RenderContextOptions): Promise<RenderContext | null> {
  return (await loadEmailData(m, opts))?.ctx ?? null;
}

/** What is due today, for a promise or deadline reminder, or a digest (which carries both). */
async function dueItemsFor(
  m: EntityManager,
  userId: string,
  kind: EmailKind,
): Promise<Pick<RenderContext, 'promises' | 'deadlines'>> {
  const digest = kind === EmailKind.KEEP_IN_TOUCH_DIGEST;
  if (!digest && !DUE_REMINDERS.includes(kind as DueReminderKind)) return {};
  const items = await loadDueItems(m, userId, digest ? DUE_REMINDERS : [kind as DueReminderKind], digest);
  return { promises: items.promises, deadlines: items.deadlines };
}

/** The user's contacts whose keep-in-touch cadence has run out, most overdue first. */
async function loadDigest(m: EntityManager, userId: string): Promise<NonNullable<RenderContext['digest']>> {
  const rows: {
    first_name: string;
    last_name: string | null;
    organisation_name: string | null;
    last_contacted_at: Date | null;
    due_since: Date;
  }[] = await m.query(
    `SELECT c.first_name, c.last_name, o.name AS organisation_name, c.last_contacted_at, d.due_since
         FROM contacts c
         CROSS JOIN LATERAL (
           SELECT coalesce(c.last_contacted_at, c.created_at) + make_interval(days => c.keep_in_touch_every_days) AS due_since
         ) d
         LEFT JOIN organisations o ON o.id = c.organisation_id AND o.user_id = c.user_id
        WHERE c.user_id = $1
          AND ${CONTACT_DUE_SQL}
        ORDER BY d.due_since, c.id
        LIMIT $2`,
    [userId, DIGEST_LIMIT],
  );
  return rows.map((r) => ({
    fullName: r.last_name ? `${r.first_name} ${r.last_name}` : r.first_name,
    organisationName: r.organisation_name,
    lastContactedAt: r.last_contacted_at,
    dueSince: r.due_since,
  }));
}

/** This week and last against the weekly goal, as the weekly digest shows them (weekly-progress.ts). */
async function loadProgress(m: EntityManager, userId: string): Promise<RenderContext['progress']> {
  const progress = await loadWeeklyProgress(m, userId, 2);
  if (!progress) return null;
  const [lastWeek, thisWeek] = progress.weeks;
  return {
    goal: progress.goal,
    streak: progress.streak,
    thisWeek: { held: thisWeek.meetingsHeld, met: thisWeek.goalMet },
    lastWeek: { held: lastWeek.meetingsHeld, met: lastWeek.goalMet },
  };
}

/** When the latest outreach request to this contact went out (or is due to), if Rapport sent one. */
async function loadOutreach(m: EntityManager, userId: string, contactId: string): Promise<RenderContext['outreach']> {
  const [row]: { at: Date }[] = await m.query(
    `SELECT coalesce(sent_at, send_at) AS at
       FROM scheduled_emails
      WHERE user_id = $1 AND contact_id = $2 AND kind = 'OUTREACH'
        AND status IN ('SENT', 'SENDING', 'UNCERTAIN', 'PENDING')
      ORDER BY coalesce(sent_at, send_at) DESC
      LIMIT 1`,
    [userId, contactId],
  );
  return row ? { requestedAt: row.at } : null;
}
