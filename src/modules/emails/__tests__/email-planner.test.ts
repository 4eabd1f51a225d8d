import { DateTime } from 'luxon';
import { EmailKind } from '../email-kind';
import { intoWindow, planMeetingEmails, retryDelayMs, type PlanningUser } from '../email-planner';

const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' }).toJSDate();
const local = (d: Date | undefined, zone = 'Europe/London') =>
  d && DateTime.fromJSDate(d, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
const window = { zone: 'Europe/London', startMinute: 8 * 60, endMinute: 20 * 60 };
const longAgo = new Date('2000-01-01T00:00:00Z');

const user: PlanningUser = {
  timezone: 'Europe/London',
  sendingWindowStartMinute: 8 * 60,
  sendingWindowEndMinute: 20 * 60,
  thankYouDelayMinutes: 120,
  followUpDelayDays: 14,
  prepReminderHoursBefore: 24,
  disabledReminders: [],
};
const contact = { email: 'grace@example.test', emailOptOut: false, timezone: null };

describe('intoWindow', () => {
  it('keeps a time inside the window', () => {
    expect(local(intoWindow(london('2027-06-01T10:15'), longAgo, window))).toBe('2027-06-01T10:15');
  });
  it('moves an early time to the window start the same day, and a late one to the next morning', () => {
    expect(local(intoWindow(london('2027-06-01T06:30'), longAgo, window))).toBe('2027-06-01T08:00');
    expect(local(intoWindow(london('2027-06-01T21:30'), longAgo, window))).toBe('2027-06-02T08:00');
    expect(local(intoWindow(london('2027-06-01T20:00'), longAgo, window))).toBe('2027-06-02T08:00');
  });
  it('sends a time already past at once, inside the window', () => {
    const now = london('2027-06-01T12:00');
    expect(intoWindow(london('2027-05-01T12:00'), now, window)).toEqual(now);
    expect(local(intoWindow(london('2027-05-01T12:00'), london('2027-06-01T23:00'), window))).toBe('2027-06-02T08:00');
  });
  it('lands on 08:00 local across a DST change', () => {
    // Europe/London springs forward on 2027-03-28 at 01:00.
    const saturdayNight = london('2027-03-27T22:00');
    const next = intoWindow(saturdayNight, longAgo, window);
    expect(local(next)).toBe('2027-03-28T08:00');
    expect(next.toISOString()).toBe('2027-03-28T07:00:00.000Z');
  });
});

describe('planMeetingEmails', () => {
  const meeting = {
    startsAt: london('2027-03-26T10:00'),
    endsAt: london('2027-03-26T11:00'),
    sendThankYou: true,
    sendFollowUp: true,
  };

  it('plans the prep reminder, thank-you and follow-up in the user’s zone, DST-safe', () => {
    const plan = planMeetingEmails(meeting, user, contact, longAgo);
    expect(local(plan[EmailKind.PREP_REMINDER])).toBe('2027-03-25T10:00');
    expect(local(plan[EmailKind.THANK_YOU])).toBe('2027-03-26T13:00');
    // 14 calendar days after the end, across the change to summer time: still 11:00 local, one hour less in UTC.
    expect(local(plan[EmailKind.FOLLOW_UP])).toBe('2027-04-09T11:00');
    expect(plan[EmailKind.FOLLOW_UP]!.getTime() - meeting.endsAt.getTime()).toBe(14 * 86_400_000 - 3_600_000);
  });

  it('moves a thank-you that would fall in the evening to the next morning', () => {
    const late = { ...meeting, startsAt: london('2027-06-01T18:30'), endsAt: london('2027-06-01T19:30') };
    expect(local(planMeetingEmails(late, user, contact, longAgo)[EmailKind.THANK_YOU])).toBe('2027-06-02T08:00');
  });

  it('uses the contact’s own zone for contact-facing mail', () => {
    const plan = planMeetingEmails(meeting, user, { ...contact, timezone: 'America/New_York' }, longAgo);
    // 13:00 London is 09:00 in New York on 26 March 2027 (the US is already on summer time): inside their window.
    expect(local(plan[EmailKind.THANK_YOU], 'America/New_York')).toBe('2027-03-26T09:00');
  });

  it('leaves out what should not be sent', () => {
    const now = london('2027-03-26T10:30'); // the meeting has started
    const plan = planMeetingEmails(
      { ...meeting, sendFollowUp: false },
      { ...user, disabledReminders: [EmailKind.PREP_REMINDER] },
      contact,
      now,
    );
    expect(Object.keys(plan)).toEqual([EmailKind.THANK_YOU]);
    expect(
      planMeetingEmails(meeting, user, { ...contact, emailOptOut: true }, longAgo)[EmailKind.THANK_YOU],
    ).toBeUndefined();
    expect(planMeetingEmails(meeting, user, { ...contact, email: null }, longAgo)[EmailKind.FOLLOW_UP]).toBeUndefined();
  });

  it('keeps a prep reminder before the meeting even when the window would push it past the start', () => {
    const early = { ...meeting, startsAt: london('2027-06-01T07:00'), endsAt: london('2027-06-01T07:30') };
    const plan = planMeetingEmails(early, { ...user, prepReminderHoursBefore: 1 }, contact, longAgo);
    expect(local(plan[EmailKind.PREP_REMINDER])).toBe('2027-06-01T06:00');
  });
});

describe('retryDelayMs', () => {
  it('doubles per attempt with ±20 % jitter, capped at an hour', () => {
    expect(retryDelayMs(1, 30, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(3, 30, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(3, 30, () => 0)).toBe(96_000);
    expect(retryDelayMs(3, 30, () => 1)).toBe(144_000);
    expect(retryDelayMs(20, 30, () => 0.5)).toBe(3_600_000);
  });
});
