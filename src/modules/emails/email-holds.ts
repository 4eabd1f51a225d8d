import type { DataSource, EntityManager } from 'typeorm';
import { EmailStatus, HeldReason } from './email-kind';
import { intoWindow } from './email-planner';
import type { OutboxChange } from './email-queue';

interface HeldRow {
  id: string;
  user_id: string;
  send_at: Date;
  zone: string;
  window_start: number;
  window_end: number;
}

const RELEASED_BECAUSE: Record<HeldReason, string> = {
  [HeldReason.EMAIL_NOT_VERIFIED]: 'address verified',
  [HeldReason.ACCOUNT_SUSPENDED]: 'suspension lifted',
};

/**
 * Lets the mail of an account held for `reason` go (inside the caller's transaction): each row
 * keeps its time, or, when that has passed, goes at the first moment of its recipient's sending
 * window from now. Returns the changes for `OutboxService.commit`. Rows of an account that is
 * still not verified (or still suspended) stay held; a suspension's hold outlasts verification.
 */
export async function releaseHeldEmails(
  m: EntityManager,
  userId: string,
  now = new Date(),
  reason = HeldReason.EMAIL_NOT_VERIFIED,
): Promise<OutboxChange[]> {
  if (reason === HeldReason.ACCOUNT_SUSPENDED) {
    // Mail to contacts of an account still not verified waits on, for that reason instead.
    await m.query(
      `UPDATE scheduled_emails s SET held_reason = 'EMAIL_NOT_VERIFIED', updated_at = now()
         FROM users u
        WHERE u.id = s.user_id AND s.user_id = $1 AND s.held_reason = 'ACCOUNT_SUSPENDED' AND s.status = 'PENDING'
          AND u.suspended_at IS NULL AND u.email_verified_at IS NULL AND s.kind::text IN ('THANK_YOU', 'FOLLOW_UP', 'OUTREACH')`,
      [userId],
    );
  }
  const rows: HeldRow[] = await m.query(
    `SELECT s.id, s.user_id, s.send_at, coalesce(c.timezone, u.timezone) AS zone,
            u.sending_window_start_minute AS window_start, u.sending_window_end_minute AS window_end
       FROM scheduled_emails s
       JOIN users u ON u.id = s.user_id AND u.suspended_at IS NULL
        AND (u.email_verified_at IS NOT NULL OR $2 = 'ACCOUNT_SUSPENDED')
       LEFT JOIN contacts c ON c.id = s.contact_id AND c.user_id = s.user_id
      WHERE s.user_id = $1 AND s.held_reason = $2 AND s.status = 'PENDING'
      ORDER BY s.id
        FOR UPDATE OF s`,
    [userId, reason],
  );
  if (!rows.length) return [];
  const sendAts = rows.map((r) =>
    intoWindow(r.send_at, now, { zone: r.zone, startMinute: r.window_start, endMinute: r.window_end }),
  );
  await m.query(
    `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, send_at)),
     released AS (
       UPDATE scheduled_emails s SET held_reason = NULL, send_at = v.send_at, updated_at = now()
         FROM v WHERE s.id = v.id AND s.status = 'PENDING' AND s.held_reason = $3
       RETURNING s.id, s.user_id, s.attempts, s.send_at)
     INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
     SELECT id, user_id, 'UNHELD', attempts, $4 || '; due ' || to_char(send_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
       FROM released`,
    [rows.map((r) => r.id), sendAts, reason, RELEASED_BECAUSE[reason]],
  );
  return rows.map((r, i) => ({
    id: r.id,
    status: EmailStatus.PENDING,
    sendAt: sendAts[i],
    previousSendAt: r.send_at,
  }));
}

/**
 * Accounts verified while mail of theirs was being planned can be left with held rows (the hold
 * was decided from what the planning transaction saw): the reconciler finds them here.
 */
export async function usersWithStaleHolds(ds: DataSource, limit = 100): Promise<string[]> {
  const rows: { user_id: string }[] = await ds.query(
    `SELECT DISTINCT s.user_id FROM scheduled_emails s JOIN users u ON u.id = s.user_id
      WHERE s.held_reason = 'EMAIL_NOT_VERIFIED' AND s.status = 'PENDING' AND u.email_verified_at IS NOT NULL
        AND u.suspended_at IS NULL
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.user_id);
}
