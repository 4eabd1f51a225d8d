import type { DataSource, EntityManager } from 'typeorm';
import { EmailKind, EmailStatus } from './email-kind';
import type { OutboxChange } from './email-queue';
import { CONTACT_DUE_SQL, DIGEST_USERS_PER_RUN, INSERT_PLANNED_DIGESTS, type DigestPlanning } from './keep-in-touch';

// The subject a list shows until the digest is rendered at send time.
const PLANNED_SUBJECT = 'Your week';

/**
 * Plans this week's digest for every user whose chosen weekday it is (users who chose none get
 * none), with one statement: users not suspended, verified, who have not switched it off, and who have something to hear about (a
 * weekly goal, or a contact due a note). It goes out at the start of the user's sending window, or
 * now if the window is open; once the day's window has closed, that week has none. The key
 * `weekly-digest:<ISO week>` is unique per user (ON CONFLICT DO NOTHING), so runs repeated, at
 * once, or after a change of weekday plan one digest a week at most. Returns the new rows.
 */
export async function planWeeklyDigests(
  db: DataSource | EntityManager,
  { messageIdDomain, limit = DIGEST_USERS_PER_RUN }: DigestPlanning,
): Promise<OutboxChange[]> {
  const rows: { id: string; send_at: Date }[] = await db.query(
    // MATERIALIZED: no expression on the zone runs before a zone PostgreSQL does not know is left out.
    `WITH candidates AS MATERIALIZED (
       SELECT u.id, u.email, u.name, u.timezone, u.weekly_digest_weekday, u.weekly_meeting_goal,
              u.sending_window_start_minute, u.sending_window_end_minute
         FROM users u
        WHERE u.weekly_digest_weekday IS NOT NULL
          AND u.suspended_at IS NULL
          AND u.email_verified_at IS NOT NULL
          AND NOT ($3::email_kind = ANY (u.disabled_reminders))
          AND u.timezone IN (SELECT name FROM pg_timezone_names)
     ),
     local AS (
       SELECT c.*, (now() AT TIME ZONE c.timezone) AS local_now,
              (now() AT TIME ZONE c.timezone)::date + make_interval(mins => c.sending_window_start_minute) AS opens,
              (now() AT TIME ZONE c.timezone)::date + make_interval(mins => c.sending_window_end_minute) AS closes
         FROM candidates c
     ),
     planned AS (
       SELECT l.id, l.email, l.name,
              CASE WHEN l.local_now < l.opens THEN l.opens AT TIME ZONE l.timezone ELSE now() END AS send_at,
              'weekly-digest:' || to_char(l.local_now, 'IYYY-"W"IW') AS dedupe_key
         FROM local l
        WHERE extract(isodow FROM l.local_now) = l.weekly_digest_weekday
          AND l.local_now < l.closes
          AND (l.weekly_meeting_goal > 0
               OR EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = l.id AND ${CONTACT_DUE_SQL}))
     ),
     ${INSERT_PLANNED_DIGESTS}`,
    [messageIdDomain, limit, EmailKind.WEEKLY_DIGEST, PLANNED_SUBJECT, EmailStatus.PENDING],
  );
  return rows.map((r) => ({ id: r.id, status: EmailStatus.PENDING, sendAt: r.send_at }));
}
