import type { DataSource, EntityManager } from 'typeorm';
import { EmailKind, EmailStatus } from './email-kind';
import type { OutboxChange } from './email-queue';
import { DEFAULT_TEMPLATES } from './rendering/default-templates';

/** At most this many digests are planned per run of the digest job; the next run plans the rest. */
export const DIGEST_USERS_PER_RUN = 1000;

/**
 * A contact (alias `c`) whose keep-in-touch cadence has run out: the one rule for planning a
 * digest and listing its contacts (`loadDigest` in email-context.ts), a list the send-time
 * re-check finds empty when nobody is due any more.
 */
export const CONTACT_DUE_SQL = `c.keep_in_touch_every_days IS NOT NULL
  AND NOT c.email_opt_out
  AND coalesce(c.last_contacted_at, c.created_at) + make_interval(days => c.keep_in_touch_every_days) <= now()`;

export interface DigestPlanning {
  /** The domain of planned Message-IDs (`<uuid@domain>`), as the outbox uses. */
  messageIdDomain: string;
  limit?: number;
}

// The subject a list shows until the digest is rendered at send time.
const DEFAULT_SUBJECT = DEFAULT_TEMPLATES[EmailKind.KEEP_IN_TOUCH_DIGEST].subject.includes('{{')
  ? 'Keep in touch'
  : DEFAULT_TEMPLATES[EmailKind.KEEP_IN_TOUCH_DIGEST].subject;

/**
 * The end of a digest planner's statement, after its `planned` rows (id, email, name, send_at,
 * dedupe_key): at most $2 new ones (none already planned under the same key), inserted with
 * kind $3, the user's fixed subject or $4, status $5 and a Message-ID at $1, each with its
 * PLANNED event. Selects the new rows' id and send_at.
 */
export const INSERT_PLANNED_DIGESTS = `
     fresh AS MATERIALIZED (
       SELECT p.*, gen_random_uuid() AS new_id
         FROM planned p
        WHERE NOT EXISTS (SELECT 1 FROM scheduled_emails se WHERE se.user_id = p.id AND se.dedupe_key = p.dedupe_key)
        ORDER BY p.id
        LIMIT $2
     ),
     inserted AS (
       INSERT INTO scheduled_emails (id, user_id, kind, dedupe_key, to_email, to_name, subject, send_at, status, message_id)
       SELECT f.new_id, f.id, $3::email_kind, f.dedupe_key, f.email, f.name,
              coalesce((SELECT t.subject FROM email_templates t
                         WHERE t.user_id = f.id AND t.kind = $3::email_kind AND strpos(t.subject, '{{') = 0), $4),
              f.send_at, $5::email_status, '<' || f.new_id || '@' || $1 || '>'
         FROM fresh f
       ON CONFLICT (user_id, dedupe_key) DO NOTHING
       RETURNING id, user_id, send_at
     ),
     logged AS (
       INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
       SELECT id, user_id, 'PLANNED', 0, to_char(send_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
         FROM inserted
     )
     SELECT id, send_at FROM inserted`;

/**
 * Plans today's keep-in-touch digest for every user who has a contact due, with one statement:
 * users not suspended and who have not switched the digest off, with no digest yet for the local
 * day it would be sent on. It goes out at the start of the user's sending window; now, if the
 * window is open; or at tomorrow's start (keyed by tomorrow's date) once today's has closed.
 * The key `digest:<local date>` is unique per user (ON CONFLICT DO NOTHING), so runs repeated,
 * or at once, plan one digest a day at most. Returns the new rows for the queue.
 */
export async function planKeepInTouchDigests(
  db: DataSource | EntityManager,
  { messageIdDomain, limit = DIGEST_USERS_PER_RUN }: DigestPlanning,
): Promise<OutboxChange[]> {
  const rows: { id: string; send_at: Date }[] = await db.query(
    `WITH candidates AS (
       SELECT u.id, u.email, u.name, u.timezone,
              (now() AT TIME ZONE u.timezone) AS local_now,
              (now() AT TIME ZONE u.timezone)::date + make_interval(mins => u.sending_window_start_minute) AS opens,
              (now() AT TIME ZONE u.timezone)::date + make_interval(mins => u.sending_window_end_minute) AS closes
         FROM users u
        WHERE u.suspended_at IS NULL
          -- An unverified address gets nothing but its verification email (docs/security.md).
          AND u.email_verified_at IS NOT NULL
          AND NOT ($3::email_kind = ANY (u.disabled_reminders))
          -- A zone PostgreSQL does not know would fail the whole statement: such a user is skipped.
          AND u.timezone IN (SELECT name FROM pg_timezone_names)
          AND EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = u.id AND ${CONTACT_DUE_SQL})
     ),
     planned AS (
       SELECT id, email, name,
              CASE WHEN local_now < opens THEN opens AT TIME ZONE timezone
                   WHEN local_now < closes THEN now()
                   ELSE (opens + interval '1 day') AT TIME ZONE timezone END AS send_at,
              'digest:' || to_char(CASE WHEN local_now < closes THEN opens ELSE opens + interval '1 day' END,
                                   'YYYY-MM-DD') AS dedupe_key
         FROM candidates
     ),
     ${INSERT_PLANNED_DIGESTS}`,
    [messageIdDomain, limit, EmailKind.KEEP_IN_TOUCH_DIGEST, DEFAULT_SUBJECT, EmailStatus.PENDING],
  );
  return rows.map((r) => ({ id: r.id, status: EmailStatus.PENDING, sendAt: r.send_at }));
}
