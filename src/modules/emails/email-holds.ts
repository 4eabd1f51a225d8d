import type { DataSource, EntityManager } from 'typeorm';
import { EmailStatus } from './email-kind';
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

/**
 * Lets the held mail of a verified account go (inside the caller's transaction): each row keeps
 * its time, or, when that has passed, goes at the first moment of its recipient's sending window
 * from now. Returns the changes for `OutboxService.commit`. Rows of an account that is still not
 * verified stay held.
 */
export async function releaseHeldEmails(m: EntityManager, userId: string, now = new Date()): Promise<OutboxChange[]> {
  const rows: HeldRow[] = await m.query(
    `SELECT s.id, s.user_id, s.send_at, coalesce(c.timezone, u.timezone) AS zone,
            u.sending_window_start_minute AS window_start, u.sending_window_end_minute AS window_end
       FROM scheduled_emails s
       JOIN users u ON u.id = s.user_id AND u.email_verified_at IS NOT NULL
       LEFT JOIN contacts c ON c.id = s.contact_id AND c.user_id = s.user_id
      WHERE s.user_id = $1 AND s.held_reason IS NOT NULL AND s.status = 'PENDING'
      ORDER BY s.id
        FOR UPDATE OF s`,
    [userId],
  );
  if (!rows.length) return [];
  const sendAts = rows.map((r) =>
    intoWindow(r.send_at, now, { zone: r.zone, startMinute: r.window_start, endMinute: r.window_end }),
  );
  await m.query(
    `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, send_at)),
     released AS (
       UPDATE scheduled_emails s SET held_reason = NULL, send_at = v.send_at, updated_at = now()
         FROM v WHERE s.id = v.id AND s.status = 'PENDING' AND s.held_reason IS NOT NULL
       RETURNING s.id, s.user_id, s.attempts, s.send_at)
     INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
     SELECT id, user_id, 'UNHELD', attempts, 'address verified; due ' || to_char(send_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
       FROM released`,
    [rows.map((r) => r.id), sendAts],
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
      WHERE s.held_reason IS NOT NULL AND s.status = 'PENDING' AND u.email_verified_at IS NOT NULL
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.user_id);
}
