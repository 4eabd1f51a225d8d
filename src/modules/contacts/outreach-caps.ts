import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../../core/errors';

/** How many outreach emails one user may plan: in all per day, and to one address per week. */
export interface OutreachCaps {
  maxPerUserPerDay: number;
  maxPerRecipientPerWeek: number;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

// A plan counts unless the user took it back before it went out: other cancellations (a deleted
// contact…) still count, or deleting and re-creating a contact would reset the cap.
const COUNTED = `user_id = $1 AND kind = 'OUTREACH' AND created_at > $2
  AND NOT (status = 'CANCELLED' AND cancel_reason = 'BY_USER')`;

/**
 * Refuses one more outreach email from this user to `toEmail` with RATE_LIMITED (OUTREACH_LIMIT)
 * when it would go over a cap. Serialises the user's outreach for the rest of the transaction,
 * so requests at once count each other; call it in the transaction that plans the email.
 */
export async function assertUnderOutreachCaps(
  m: EntityManager,
  userId: string,
  toEmail: string,
  caps: OutreachCaps,
  now: Date,
): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`outreach:${userId}`]);
  await check(m, 'PER_USER_PER_DAY', caps.maxPerUserPerDay, DAY_MS, now, [userId], '');
  await check(
    m,
    'PER_RECIPIENT_PER_WEEK',
    caps.maxPerRecipientPerWeek,
    WEEK_MS,
    now,
    [userId, toEmail],
    ' AND lower(to_email) = lower($3)',
  );
}

async function check(
  m: EntityManager,
  limit: string,
  max: number,
  windowMs: number,
  now: Date,
  [userId, ...rest]: string[],
  extra: string,
): Promise<void> {
  const since = new Date(now.getTime() - windowMs);
  // The newest `max` counted plans; the oldest of them leaving the window frees a place.
  const rows: { created_at: Date }[] = await m.query(
    `SELECT created_at FROM scheduled_emails WHERE ${COUNTED}${extra} ORDER BY created_at DESC LIMIT $${rest.length + 3}`,
    [userId, since, ...rest, max],
  );
  if (rows.length < max) return;
  const freesAt = rows[max - 1].created_at.getTime() + windowMs;
  const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
  const what =
    limit === 'PER_USER_PER_DAY' ? `${max} outreach emails a day` : `${max} outreach emails a week to one address`;
  throw new AppError(ErrorCode.RATE_LIMITED, `You can send at most ${what}; try again later`, {
    reason: 'OUTREACH_LIMIT',
    limit,
    max,
    retryAfterSeconds,
  });
}
