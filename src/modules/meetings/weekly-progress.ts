import { DateTime } from 'luxon';
import type { DataSource, EntityManager } from 'typeorm';

/** The streak looks back at most this many weeks (ten years), so one statement stays bounded. */
export const STREAK_MAX_WEEKS = 520;

export interface WeekCount {
  /** The Monday the ISO week starts on, in the user's zone (YYYY-MM-DD). */
  weekStart: string;
  /** e.g. 2026-W49 */
  isoWeek: string;
  meetingsHeld: number;
  goalMet: boolean;
}

export interface WeeklyProgressData {
  goal: number;
  /** Consecutive weeks meeting the goal back from the last complete week, plus this one once met. */
  streak: number;
  thisWeek: WeekCount;
  /** The last `weeks` weeks, oldest first, this week last. */
  weeks: WeekCount[];
}

/**
 * Meetings held (COMPLETED, by their start) per ISO week in the user's zone, against
 * `weekly_meeting_goal`: one statement. A goal of 0 is no goal: no week meets it and the streak
 * is 0. Returns null when the user does not exist.
 */
export async function loadWeeklyProgress(
  db: DataSource | EntityManager,
  userId: string,
  weeks: number,
  now = new Date(),
): Promise<WeeklyProgressData | null> {
  const [row]: { goal: number; this_week: string; counts: { week: string; held: number }[] }[] = await db.query(
    `WITH u AS (
       SELECT id, timezone, weekly_meeting_goal,
              date_trunc('week', $2::timestamptz AT TIME ZONE timezone)::date AS this_week
         FROM users WHERE id = $1
     )
     SELECT u.weekly_meeting_goal AS goal, to_char(u.this_week, 'YYYY-MM-DD') AS this_week,
            (SELECT coalesce(json_agg(json_build_object('week', to_char(x.week, 'YYYY-MM-DD'), 'held', x.held)), '[]')
               FROM (SELECT date_trunc('week', m.starts_at AT TIME ZONE u.timezone)::date AS week, count(*)::int AS held
                       FROM meetings m
                      WHERE m.user_id = u.id AND m.status = 'COMPLETED'
                        AND m.starts_at >= (u.this_week - $3::int * 7)::timestamp AT TIME ZONE u.timezone
                        AND m.starts_at < (u.this_week + 7)::timestamp AT TIME ZONE u.timezone
                      GROUP BY 1) x) AS counts
       FROM u`,
    [userId, now, STREAK_MAX_WEEKS],
  );
  if (!row) return null;
  const held = new Map(row.counts.map((c) => [c.week, c.held]));
  const thisMonday = DateTime.fromISO(row.this_week, { zone: 'UTC' });
  const week = (back: number): WeekCount => {
    const start = thisMonday.minus({ weeks: back });
    const weekStart = start.toISODate()!;
    const meetingsHeld = held.get(weekStart) ?? 0;
    return {
      weekStart,
      isoWeek: start.toFormat("kkkk-'W'WW"),
      meetingsHeld,
      goalMet: row.goal > 0 && meetingsHeld >= row.goal,
    };
  };
  let streak = week(0).goalMet ? 1 : 0;
  for (let back = 1; back <= STREAK_MAX_WEEKS && week(back).goalMet; back++) streak++;
  return {
    goal: row.goal,
    streak,
    thisWeek: week(0),
    weeks: Array.from({ length: weeks }, (_, i) => week(weeks - 1 - i)),
  };
}
