import type { DataSource, EntityManager } from 'typeorm';
import { EmailKind, EmailStatus, type DueReminderKind } from './email-kind';
import type { OutboxChange } from './email-queue';
import type { OutboxService } from './outbox.service';
import { DEFAULT_TEMPLATES } from './rendering/default-templates';

// Reminders of things due on a day (docs/network.md § Reminders): one email per user, kind and
// local day, keyed `<prefix><YYYY-MM-DD>`, listing at send time what is due that day; carried by
// the day's keep-in-touch digest instead when there is one.

interface DueKindSql {
  /** The dedupe key's prefix; the local date follows it. */
  prefix: string;
  /** The digest template's variable that shows the items: a digest of one's own without it carries none. */
  variable: 'promises' | 'deadlines';
  table: 'commitments' | 'job_leads';
  /** The date column an item is due on. */
  column: 'due_on' | 'deadline';
  /** What makes an item (alias `i`) worth a reminder; a partial index holds exactly these. */
  open: string;
}

export const DUE_KINDS: Record<DueReminderKind, DueKindSql> = {
  // Only promises the user made: reminding them of the contact's would nag about what is not theirs to do.
  [EmailKind.COMMITMENT_DUE]: {
    prefix: 'commitments-due:',
    variable: 'promises',
    table: 'commitments',
    column: 'due_on',
    open: `i.owner = 'ME' AND i.done_at IS NULL`,
  },
  [EmailKind.JOB_LEAD_DEADLINE]: {
    prefix: 'job-lead-deadlines:',
    variable: 'deadlines',
    table: 'job_leads',
    column: 'deadline',
    open: `i.status IN ('INTERESTED', 'APPLIED', 'INTERVIEWING', 'OFFER')`,
  },
};

/** Items of `kind` due on `day` for `user` (SQL expressions). */
const dueItems = (kind: DueReminderKind, user: string, day: string) => {
  const k = DUE_KINDS[kind];
  return `SELECT 1 FROM ${k.table} i WHERE i.user_id = ${user} AND ${k.open} AND i.${k.column} = ${day}`;
};

/** Statuses of an email that went, or will go, out. */
const LIVE = `('PENDING', 'SENDING', 'SENT', 'UNCERTAIN')`;
/** Cancellations that re-planning may undo: nothing was due then, or the digest was to carry it. */
const REVIVABLE = `('NOTHING_DUE', 'FOLDED_INTO_DIGEST')`;

/** The key date's SQL for a row's dedupe key. */
const keyDay = (alias: string) => `split_part(${alias}.dedupe_key, ':', 2)::date`;

/** Whether the user's digest of `day` carries `kind`: it is live, and its template shows the items. */
const digestCarries = (kind: DueReminderKind, user: string, day: string) => `(
  EXISTS (SELECT 1 FROM scheduled_emails d WHERE d.user_id = ${user} AND d.kind = 'KEEP_IN_TOUCH_DIGEST'
           AND d.dedupe_key = 'digest:' || to_char(${day}, 'YYYY-MM-DD') AND d.status IN ${LIVE})
  AND NOT EXISTS (SELECT 1 FROM email_templates t WHERE t.user_id = ${user} AND t.kind = 'KEEP_IN_TOUCH_DIGEST'
           AND strpos(t.body, '${DUE_KINDS[kind].variable}') = 0))`;

export interface DuePlanning {
  messageIdDomain: string;
  /** One user (after an edit), or everyone (the periodic run). */
  userId?: string | null;
  limit?: number;
}

/**
 * Plans the reminder of `kind` for each user with something due on the local day it would be
 * sent on (today while the sending window is open or yet to open, else tomorrow), at the window's
 * start (or now, inside it), unless that day's digest carries the items. Candidates come from
 * the items (a partial index over what can be due), not from every user. Revives a reminder
 * cancelled because nothing was due or a digest was to carry it; never one cancelled otherwise
 * (by the user, switched off). Unique key + ON CONFLICT: repeated or concurrent runs plan once.
 */
export async function planDueReminders(
  db: DataSource | EntityManager,
  kind: DueReminderKind,
  { messageIdDomain, userId = null, limit = 1000 }: DuePlanning,
): Promise<OutboxChange[]> {
  const spec = DUE_KINDS[kind];
  const rows: { id: string; send_at: Date; attempts: number; inserted: boolean }[] = await db.query(
    `WITH due_users AS MATERIALIZED (
       -- Every zone's "today" or "tomorrow" lies within a day of UTC's: a cheap first cut.
       SELECT DISTINCT i.user_id FROM ${spec.table} i
        WHERE ${spec.open} AND i.${spec.column} BETWEEN (now() AT TIME ZONE 'UTC')::date - 1 AND (now() AT TIME ZONE 'UTC')::date + 2
          AND ($1::uuid IS NULL OR i.user_id = $1)
     ),
     zoned AS MATERIALIZED (
       SELECT u.id, u.email, u.name, u.timezone, u.sending_window_start_minute AS ws, u.sending_window_end_minute AS we
         FROM users u JOIN due_users du ON du.user_id = u.id
        WHERE u.suspended_at IS NULL
          AND u.email_verified_at IS NOT NULL
          AND NOT ($2::email_kind = ANY (u.disabled_reminders))
          -- A zone PostgreSQL does not know would fail the whole statement: such a user is skipped.
          AND u.timezone IN (SELECT name FROM pg_timezone_names)
     ),
     clocked AS (
       SELECT z.*, (now() AT TIME ZONE z.timezone) AS local_now FROM zoned z
     ),
     windowed AS (
       SELECT c.*, c.local_now::date + make_interval(mins => c.ws) AS opens,
              c.local_now::date + make_interval(mins => c.we) AS closes
         FROM clocked c
     ),
     planned AS (
       SELECT w.id, w.email, w.name,
              CASE WHEN w.local_now < w.opens THEN w.opens AT TIME ZONE w.timezone
                   WHEN w.local_now < w.closes THEN now()
                   ELSE (w.opens + interval '1 day') AT TIME ZONE w.timezone END AS send_at,
              CASE WHEN w.local_now < w.closes THEN w.local_now::date ELSE w.local_now::date + 1 END AS day
         FROM windowed w
     ),
     wanted AS MATERIALIZED (
       SELECT p.*, $3 || to_char(p.day, 'YYYY-MM-DD') AS dedupe_key, gen_random_uuid() AS new_id
         FROM planned p
        WHERE EXISTS (${dueItems(kind, 'p.id', 'p.day')})
          AND NOT ${digestCarries(kind, 'p.id', 'p.day')}
          AND NOT EXISTS (SELECT 1 FROM scheduled_emails se WHERE se.user_id = p.id
                           AND se.dedupe_key = $3 || to_char(p.day, 'YYYY-MM-DD')
                           AND NOT (se.status = 'CANCELLED' AND se.cancel_reason IN ${REVIVABLE}))
        ORDER BY p.id
        LIMIT $4
     ),
     upserted AS (
       INSERT INTO scheduled_emails AS s (id, user_id, kind, dedupe_key, to_email, to_name, subject, send_at, status, message_id)
       SELECT w.new_id, w.id, $2::email_kind, w.dedupe_key, w.email, w.name,
              coalesce((SELECT t.subject FROM email_templates t
                         WHERE t.user_id = w.id AND t.kind = $2::email_kind AND strpos(t.subject, '{{') = 0), $5),
              w.send_at, 'PENDING', '<' || w.new_id || '@' || $6 || '>'
         FROM wanted w
       ON CONFLICT (user_id, dedupe_key) DO UPDATE
          SET status = 'PENDING', cancel_reason = NULL, send_at = EXCLUDED.send_at, to_email = EXCLUDED.to_email,
              to_name = EXCLUDED.to_name, updated_at = now()
        WHERE s.status = 'CANCELLED' AND s.cancel_reason IN ${REVIVABLE}
       RETURNING s.id, s.user_id, s.send_at, s.attempts, (s.xmax = 0) AS inserted
     ),
     logged AS (
       INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
       SELECT id, user_id, CASE WHEN inserted THEN 'PLANNED' ELSE 'REPLANNED' END, attempts,
              to_char(send_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
         FROM upserted
     )
     SELECT id, send_at, attempts, inserted FROM upserted`,
    [userId, kind, spec.prefix, limit, DEFAULT_TEMPLATES[kind].subject, messageIdDomain],
  );
  return rows.map((r) => ({ id: r.id, status: EmailStatus.PENDING, sendAt: r.send_at, attempts: r.attempts }));
}

/**
 * Cancels pending reminders that a pending digest of the same day will carry (FOLDED_INTO_DIGEST),
 * so the user gets one email. A reminder already claimed is left to go; the digest then leaves
 * its items out (email-context.ts).
 */
export async function foldIntoDigests(db: DataSource | EntityManager, userId: string | null = null) {
  return cancelWhere(
    db,
    'FOLDED_INTO_DIGEST',
    (kind) =>
      `EXISTS (SELECT 1 FROM scheduled_emails d WHERE d.user_id = se.user_id AND d.kind = 'KEEP_IN_TOUCH_DIGEST'
                AND d.status = 'PENDING' AND d.dedupe_key = 'digest:' || split_part(se.dedupe_key, ':', 2))
       AND NOT EXISTS (SELECT 1 FROM email_templates t WHERE t.user_id = se.user_id AND t.kind = 'KEEP_IN_TOUCH_DIGEST'
                AND strpos(t.body, '${DUE_KINDS[kind].variable}') = 0)`,
    userId,
  );
}

/** Cancels the user's pending reminders with nothing due on their day any more (after an edit). */
export function cancelEmptied(db: DataSource | EntityManager, userId: string): Promise<OutboxChange[]> {
  return cancelWhere(db, 'NOTHING_DUE', (kind) => `NOT EXISTS (${dueItems(kind, 'se.user_id', keyDay('se'))})`, userId);
}

async function cancelWhere(
  db: DataSource | EntityManager,
  reason: string,
  condition: (kind: DueReminderKind) => string,
  userId: string | null,
): Promise<OutboxChange[]> {
  const byKind = (Object.keys(DUE_KINDS) as DueReminderKind[])
    .map((kind) => `(se.kind = '${kind}' AND ${condition(kind)})`)
    .join(' OR ');
  const rows: { id: string; send_at: Date }[] = await db.query(
    `WITH cancelled AS (
       UPDATE scheduled_emails se SET status = 'CANCELLED', cancel_reason = $1, updated_at = now()
        WHERE se.status = 'PENDING' AND se.kind = ANY ($2::email_kind[])
          AND ($3::uuid IS NULL OR se.user_id = $3)
          AND (${byKind})
       RETURNING se.id, se.user_id, se.send_at, se.attempts
     ),
     logged AS (
       INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
       SELECT id, user_id, 'CANCELLED', attempts, $1 FROM cancelled
     )
     SELECT id, send_at FROM cancelled`,
    [reason, Object.keys(DUE_KINDS), userId],
  );
  return rows.map((r) => ({ id: r.id, status: EmailStatus.CANCELLED, sendAt: r.send_at }));
}

/**
 * After the user's promises or leads changed: cancels, in the caller's transaction, the pending
 * reminders left with nothing due on their day. Planning (and reviving one that has something
 * due again) is the periodic planner's: promises entered one after another then share one email.
 */
export function syncDueReminders(m: EntityManager, userId: string): Promise<OutboxChange[]> {
  return cancelEmptied(m, userId);
}

/** What a reminder (or a digest carrying it) lists: the items due on the user's local today. */
export interface DueItems {
  promises: { description: string; contactName: string | null }[];
  deadlines: { title: string; organisationName: string | null; status: string }[];
}

/** At most this many of each in one email. */
export const DUE_LIMIT = 50;

/**
 * The items due today in the user's zone, for the kinds asked. For a digest (`carried`), a kind
 * is left out when it is switched off or its own reminder of today went or is going out.
 */
export async function loadDueItems(
  m: EntityManager,
  userId: string,
  kinds: readonly DueReminderKind[],
  carried: boolean,
): Promise<DueItems> {
  const guard = (kind: DueReminderKind) =>
    carried
      ? `AND NOT ('${kind}'::email_kind = ANY (u.disabled_reminders))
         AND NOT EXISTS (SELECT 1 FROM scheduled_emails se WHERE se.user_id = u.id
               AND se.dedupe_key = '${DUE_KINDS[kind].prefix}' || to_char((now() AT TIME ZONE u.timezone)::date, 'YYYY-MM-DD')
               AND se.status IN ${LIVE})`
      : '';
  const [row]: { promises: DueItems['promises'] | null; deadlines: DueItems['deadlines'] | null }[] = await m.query(
    `SELECT
       ${
         kinds.includes(EmailKind.COMMITMENT_DUE)
           ? `(SELECT json_agg(json_build_object('description', x.description, 'contactName', x.contact_name))
                FROM (SELECT c.description,
                             CASE WHEN ct.id IS NULL THEN NULL ELSE concat_ws(' ', ct.first_name, ct.last_name) END AS contact_name
                        FROM commitments c
                        LEFT JOIN contacts ct ON ct.id = c.contact_id AND ct.user_id = c.user_id
                       WHERE c.user_id = u.id AND c.owner = 'ME' AND c.done_at IS NULL
                         AND c.due_on = (now() AT TIME ZONE u.timezone)::date ${guard(EmailKind.COMMITMENT_DUE)}
                       ORDER BY c.created_at, c.id LIMIT $2) x)`
           : 'NULL'
       } AS promises,
       ${
         kinds.includes(EmailKind.JOB_LEAD_DEADLINE)
           ? `(SELECT json_agg(json_build_object('title', x.title, 'organisationName', x.org_name, 'status', x.status))
                FROM (SELECT l.title, o.name AS org_name, l.status
                        FROM job_leads l
                        LEFT JOIN organisations o ON o.id = l.organisation_id AND o.user_id = l.user_id
                       WHERE l.user_id = u.id AND l.status IN ('INTERESTED', 'APPLIED', 'INTERVIEWING', 'OFFER')
                         AND l.deadline = (now() AT TIME ZONE u.timezone)::date ${guard(EmailKind.JOB_LEAD_DEADLINE)}
                       ORDER BY l.created_at, l.id LIMIT $2) x)`
           : 'NULL'
       } AS deadlines
     FROM users u WHERE u.id = $1`,
    [userId, DUE_LIMIT],
  );
  return { promises: row?.promises ?? [], deadlines: row?.deadlines ?? [] };
}

/**
 * Runs `work` (a change to promises or job leads) in a transaction; when `touchesReminders` says
 * it moved what is due, cancels in it the reminders left with nothing due (the planner plans new
 * ones), and hands the timers to the queue once committed.
 */
export async function withDueReminders<T>(
  ds: DataSource,
  outbox: OutboxService,
  userId: string,
  work: (m: EntityManager) => Promise<T>,
  touchesReminders: (result: T) => boolean,
): Promise<T> {
  const changes: OutboxChange[] = [];
  const result = await ds.transaction(async (m) => {
    const done = await work(m);
    if (touchesReminders(done)) changes.push(...(await syncDueReminders(m, userId)));
    return done;
  });
  await outbox.commit(changes);
  return result;
}
