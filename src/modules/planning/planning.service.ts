import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../../core/errors';
import type { AuthUser } from '../auth/access-tokens';
import { loadWeeklyProgress } from '../meetings/weekly-progress';
import { User } from '../users/user.entity';
import { funnelCounts, FunnelStepName } from './funnel';
import { findFreeSlots } from './meeting-slots';
import { SLOT_RANGE_MAX_DAYS, type SuggestMeetingSlotsInput } from './planning.inputs';
import type { Funnel, MeetingSlotDay, WeeklyProgress } from './planning.types';

/** Planning a week of interviews and seeing how the search goes: reads only, scoped to the user. */
export class PlanningService {
  constructor(private readonly ds: DataSource) {}

  private async user(authUser: AuthUser): Promise<User> {
    const user = await this.ds.getRepository(User).findOneBy({ id: authUser.id });
    if (!user) throw new NotFoundError('User');
    return user;
  }

  /**
   * Free slots for meetings between two local days, around the user's booked (not cancelled)
   * meetings, inside their working hours and days (meeting-slots.ts). Two statements.
   */
  async suggestMeetingSlots(
    authUser: AuthUser,
    input: SuggestMeetingSlotsInput,
    now = new Date(),
  ): Promise<MeetingSlotDay[]> {
    const user = await this.user(authUser);
    const from = DateTime.fromISO(input.from, { zone: user.timezone });
    const to = DateTime.fromISO(input.to, { zone: user.timezone });
    if (to < from) throw ValidationError.field('input.to', 'must not be before from');
    if (to.diff(from, 'days').days >= SLOT_RANGE_MAX_DAYS) {
      throw ValidationError.field('input.to', `must be less than ${SLOT_RANGE_MAX_DAYS} days after from`);
    }
    // A day either side: a meeting just outside the range can still reach in with its buffer.
    const booked: { starts_at: Date; ends_at: Date; location: string | null }[] = await this.ds.query(
      `SELECT starts_at, ends_at, location FROM meetings
        WHERE user_id = $1 AND status <> 'CANCELLED' AND starts_at < $3 AND ends_at > $2`,
      [user.id, from.minus({ days: 1 }).toJSDate(), to.plus({ days: 2 }).toJSDate()],
    );
    const location = input.location?.trim() || null;
    const days = findFreeSlots({
      zone: user.timezone,
      fromDate: input.from,
      toDate: input.to,
      workStartMinute: user.workingHoursStartMinute,
      workEndMinute: user.workingHoursEndMinute,
      workingDays: user.workingDayNumbers,
      durationMinutes: input.durationMinutes,
      bufferMinutes: input.bufferMinutes,
      perDay: input.perDay,
      location,
      booked: booked.map((b) => ({ startsAt: b.starts_at, endsAt: b.ends_at, location: b.location })),
      now,
    });
    return days.map((d) => ({ date: d.date, slots: d.slots.map((s) => ({ ...s, location })) }));
  }

  /** Each step of the search over [from, to), with its rate from the step before: one statement. */
  async funnel(authUser: AuthUser, from: Date, to: Date): Promise<Funnel> {
    if (!(to.getTime() > from.getTime())) throw ValidationError.field('to', 'must be after from');
    const counts = await funnelCounts(this.ds, authUser.id, from, to);
    const names = Object.values(FunnelStepName);
    const steps = names.map((step, i) => {
      const before = i > 0 ? counts[names[i - 1]] : 0;
      // Four decimals: a rate, not a float artefact (2/3 → 0.6667).
      const conversionRate = before > 0 ? Math.round((counts[step] / before) * 10_000) / 10_000 : null;
      return { step, count: counts[step], conversionRate };
    });
    return { from, to, steps };
  }

  /** Meetings held in each of the last `weeks` (1–52) ISO weeks against the goal, and the streak. */
  async weeklyProgress(authUser: AuthUser, weeks: number): Promise<WeeklyProgress> {
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) throw ValidationError.field('weeks', 'must be 1 to 52');
    const progress = await loadWeeklyProgress(this.ds, authUser.id, weeks);
    if (!progress) throw new NotFoundError('User');
    return progress;
  }
}
