import { DateTime } from 'luxon';
import { EmailKind } from './email-kind';

/** Local hours in which emails may go out, in one IANA zone. */
export interface SendingWindow {
  zone: string;
  /** Minutes after local midnight: [start, end). */
  startMinute: number;
  endMinute: number;
}

/**
 * The first instant at or after `at` (or `now`, if `at` has passed) that falls inside the window:
 * before the window it moves to the window's start that day, after it to the next day's start.
 * Wall-clock arithmetic in the zone, so DST changes keep "08:00" at 08:00.
 */
export function intoWindow(at: Date, now: Date, window: SendingWindow): Date {
  const base = DateTime.fromJSDate(at > now ? at : now, { zone: window.zone });
  const minute = base.hour * 60 + base.minute + base.second / 60;
  const startOf = (day: DateTime) =>
    day.set({ hour: Math.floor(window.startMinute / 60), minute: window.startMinute % 60, second: 0, millisecond: 0 });
  if (minute < window.startMinute) return startOf(base).toJSDate();
  if (minute >= window.endMinute) return startOf(base.plus({ days: 1 })).toJSDate();
  return base.toJSDate();
}

export interface PlanningUser {
  timezone: string;
  sendingWindowStartMinute: number;
  sendingWindowEndMinute: number;
  thankYouDelayMinutes: number;
  followUpDelayDays: number;
  prepReminderHoursBefore: number;
  disabledReminders: EmailKind[];
}

export interface PlanningMeeting {
  startsAt: Date;
  endsAt: Date;
  sendThankYou: boolean;
  sendFollowUp: boolean;
}

export interface PlanningContact {
  email: string | null;
  emailOptOut: boolean;
  timezone: string | null;
}

/** When each email of a scheduled meeting should go out; a kind that should not be sent is absent. */
export type MeetingPlan = Partial<Record<EmailKind.PREP_REMINDER | EmailKind.THANK_YOU | EmailKind.FOLLOW_UP, Date>>;

export function planMeetingEmails(
  meeting: PlanningMeeting,
  user: PlanningUser,
  contact: PlanningContact | null,
  now: Date,
): MeetingPlan {
  const plan: MeetingPlan = {};
  const userWindow = {
    zone: user.timezone,
    startMinute: user.sendingWindowStartMinute,
    endMinute: user.sendingWindowEndMinute,
  };

  if (!user.disabledReminders.includes(EmailKind.PREP_REMINDER) && meeting.startsAt > now) {
    const wanted = DateTime.fromJSDate(meeting.startsAt, { zone: user.timezone })
      .minus({ hours: user.prepReminderHoursBefore })
      .toJSDate();
    const inWindow = intoWindow(wanted, now, userWindow);
    // A reminder pushed past the meeting by the window is useless: send it as planned instead.
    plan[EmailKind.PREP_REMINDER] = inWindow < meeting.startsAt ? inWindow : wanted > now ? wanted : now;
  }

  if (contact?.email && !contact.emailOptOut) {
    // Contact-facing mail respects the recipient's waking hours: their zone if known.
    const contactWindow = { ...userWindow, zone: contact.timezone ?? user.timezone };
    if (meeting.sendThankYou) {
      const at = DateTime.fromJSDate(meeting.endsAt).plus({ minutes: user.thankYouDelayMinutes }).toJSDate();
      plan[EmailKind.THANK_YOU] = intoWindow(at, now, contactWindow);
    }
    if (meeting.sendFollowUp) {
      // Calendar days in the user's zone: "two weeks later" keeps the time of day across DST.
      const at = DateTime.fromJSDate(meeting.endsAt, { zone: user.timezone })
        .plus({ days: user.followUpDelayDays })
        .toJSDate();
      plan[EmailKind.FOLLOW_UP] = intoWindow(at, now, contactWindow);
    }
  }
  return plan;
}

/** Exponential backoff with ±20 % jitter, capped at an hour: 30 s, 1 min, 2 min, 4 min… */
export function retryDelayMs(attempt: number, baseSeconds: number, random: () => number = Math.random): number {
  const exponential = baseSeconds * 1000 * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(exponential, 3600_000);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
