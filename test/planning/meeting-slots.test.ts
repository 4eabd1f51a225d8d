import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import {
  CancelMeetingDocument,
  CreateContactDocument,
  WorkingHoursDocument,
  ScheduleMeetingDocument,
  SuggestMeetingSlotsDocument,
  UpdateWorkingHoursDocument,
  type SuggestMeetingSlotsInput,
} from '../generated/graphql';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const slots = async (user: SignedInUser, input: SuggestMeetingSlotsInput) =>
  (await user.ok(SuggestMeetingSlotsDocument, { input })).suggestMeetingSlots;

/** Each day's slot start times as `HH:MM` in UTC, by date. */
const startsByDay = (days: Awaited<ReturnType<typeof slots>>) =>
  Object.fromEntries(days.map((d) => [d.date, d.slots.map((s) => String(s.startsAt).slice(11, 16))]));

async function book(user: SignedInUser, startsAt: string, endsAt: string, location: string | null = null) {
  const { createContact } = await user.ok(CreateContactDocument, { input: { firstName: 'Booked' } });
  const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId: createContact.id, startsAt, endsAt, location },
  });
  return scheduleMeeting;
}

describe('working hours', () => {
  it('default to 09:00–17:00, Monday to Friday, and are changed with updateProfile', async () => {
    const user = await signedInUser(app.url);
    const { me } = await user.ok(WorkingHoursDocument);
    expect(me).toMatchObject({ workingHoursStart: '09:00', workingHoursEnd: '17:00' });
    expect(me.workingDays).toEqual(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY']);

    const { updateProfile } = await user.ok(UpdateWorkingHoursDocument, {
      input: { workingHoursStart: '10:00', workingHoursEnd: '12:30', workingDays: ['WEDNESDAY', 'MONDAY', 'MONDAY'] },
    });
    expect(updateProfile).toMatchObject({ workingHoursStart: '10:00', workingHoursEnd: '12:30' });
    expect(updateProfile.workingDays).toEqual(['MONDAY', 'WEDNESDAY']);

    // Monday 1 to Sunday 7 March 2027, London (GMT, so local times read as UTC).
    const days = await slots(user, {
      from: '2027-03-01',
      to: '2027-03-07',
      perDay: 5,
      durationMinutes: 60,
      bufferMinutes: 15,
    });
    expect(startsByDay(days)).toEqual({ '2027-03-01': ['10:00', '11:15'], '2027-03-03': ['10:00', '11:15'] });
  });

  it('refuses hours under an hour long and an empty week, naming the field', async () => {
    const user = await signedInUser(app.url);
    const short = await user.run(UpdateWorkingHoursDocument, { input: { workingHoursEnd: '09:30' } });
    expect(errorOf(short).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: expect.arrayContaining([{ field: 'input.workingHoursEnd', message: expect.any(String) }]),
    });
    const none = await user.run(UpdateWorkingHoursDocument, { input: { workingDays: [] } });
    expect(errorOf(none).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.workingDays' }],
    });
    const badTime = await user.run(UpdateWorkingHoursDocument, { input: { workingHoursStart: '9am' } });
    expect(errorOf(badTime).extensions).toMatchObject({ fields: [{ field: 'input.workingHoursStart' }] });
    const { me } = await user.ok(WorkingHoursDocument);
    expect(me).toMatchObject({ workingHoursStart: '09:00', workingHoursEnd: '17:00' });
  });
});

describe('suggestMeetingSlots', () => {
  it('fills working days on a 15-minute grid, a buffer apart, at most perDay a day, grouped by day', async () => {
    const user = await signedInUser(app.url, { timezone: 'Europe/London' });
    const week = { from: '2027-03-01', to: '2027-03-07', durationMinutes: 45, bufferMinutes: 10 };
    const three = await slots(user, { ...week, perDay: 3 });
    // 09:00–09:45, then 09:55 rounds up to the grid: 10:00, then 10:55 → 11:00. Weekend left out.
    const day = ['09:00', '10:00', '11:00'];
    expect(startsByDay(three)).toEqual({
      '2027-03-01': day,
      '2027-03-02': day,
      '2027-03-03': day,
      '2027-03-04': day,
      '2027-03-05': day,
    });
    expect(three[0].slots[0]).toEqual({
      startsAt: '2027-03-01T09:00:00.000Z',
      endsAt: '2027-03-01T09:45:00.000Z',
      location: null,
    });
    const one = await slots(user, { ...week, perDay: 1 });
    expect(one.every((d) => d.slots.length === 1)).toBe(true);
    // A whole day's worth is bounded by the working day: 8 hours hold 8 back-to-back hour slots.
    const full = await slots(user, { ...week, to: '2027-03-01', perDay: 10, durationMinutes: 60, bufferMinutes: 0 });
    expect(full[0].slots).toHaveLength(8);
    expect(full[0].slots[7].endsAt).toBe('2027-03-01T17:00:00.000Z');
  });

  it('keeps each booked meeting and its buffer clear, doubles the buffer for one elsewhere, and ignores cancelled ones', async () => {
    const user = await signedInUser(app.url, { timezone: 'Europe/London' });
    const other = await signedInUser(app.url, { timezone: 'Europe/London' });
    await book(user, '2027-03-02T10:00:00Z', '2027-03-02T11:00:00Z', 'Acme HQ');
    const far = await book(user, '2027-03-02T13:00:00Z', '2027-03-02T14:00:00Z', 'Canary Wharf');
    // Another user's diary is not this user's.
    await book(other, '2027-03-02T09:00:00Z', '2027-03-02T17:00:00Z');
    const day = { from: '2027-03-02', to: '2027-03-02', perDay: 10, durationMinutes: 60, bufferMinutes: 30 };

    // No location: 30 minutes around each → 11:30, 14:30, then 16:00 (a buffer after 15:30).
    expect(startsByDay(await slots(user, day))).toEqual({ '2027-03-02': ['11:30', '14:30', '16:00'] });
    // At Acme HQ (any case and spacing): Canary Wharf needs 60 minutes either side, so 11:30 no longer fits.
    const atAcme = await slots(user, { ...day, location: '  acme   hq ' });
    expect(startsByDay(atAcme)).toEqual({ '2027-03-02': ['15:00'] });
    expect(atAcme[0].slots[0].location).toBe('acme   hq');

    await user.ok(CancelMeetingDocument, { id: far.id });
    expect(startsByDay(await slots(user, day))).toEqual({ '2027-03-02': ['11:30', '13:00', '14:30', '16:00'] });
    expect(startsByDay(await slots(other, day))).toEqual({ '2027-03-02': [] });
  });

  it('keeps local working hours across the autumn change in London', async () => {
    const user = await signedInUser(app.url, { timezone: 'Europe/London' });
    await user.ok(UpdateWorkingHoursDocument, {
      input: { workingDays: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] },
    });
    // Clocks go back at 02:00 BST on Sunday 31 October 2027.
    const days = await slots(user, {
      from: '2027-10-30',
      to: '2027-11-01',
      perDay: 8,
      durationMinutes: 60,
      bufferMinutes: 0,
    });
    const hours = (first: number) => Array.from({ length: 8 }, (_, i) => `${String(first + i).padStart(2, '0')}:00`);
    expect(startsByDay(days)).toEqual({
      '2027-10-30': hours(8), // 09:00 BST is 08:00 UTC
      '2027-10-31': hours(9), // 09:00 GMT
      '2027-11-01': hours(9),
    });
  });

  it('keeps local working hours across the spring change in New York', async () => {
    const user = await signedInUser(app.url, { timezone: 'America/New_York' });
    // Clocks go forward on Sunday 14 March 2027; the weekend is not worked.
    const days = await slots(user, {
      from: '2027-03-12',
      to: '2027-03-15',
      perDay: 2,
      durationMinutes: 30,
      bufferMinutes: 0,
    });
    expect(startsByDay(days)).toEqual({ '2027-03-12': ['14:00', '14:30'], '2027-03-15': ['13:00', '13:30'] });
  });

  it('never offers a local time the spring change skips', async () => {
    const user = await signedInUser(app.url, { timezone: 'Europe/London' });
    await user.ok(UpdateWorkingHoursDocument, {
      input: { workingHoursStart: '00:00', workingHoursEnd: '04:00', workingDays: ['SUNDAY'] },
    });
    // 01:00–02:00 does not exist on 28 March 2027: four wall-clock hours hold three real ones.
    const days = await slots(user, {
      from: '2027-03-28',
      to: '2027-03-28',
      perDay: 10,
      durationMinutes: 60,
      bufferMinutes: 0,
    });
    expect(days[0].slots).toEqual([
      { startsAt: '2027-03-28T00:00:00.000Z', endsAt: '2027-03-28T01:00:00.000Z', location: null },
      { startsAt: '2027-03-28T01:00:00.000Z', endsAt: '2027-03-28T02:00:00.000Z', location: null },
      { startsAt: '2027-03-28T02:00:00.000Z', endsAt: '2027-03-28T03:00:00.000Z', location: null },
    ]);
  });

  it('offers nothing in the past', async () => {
    const user = await signedInUser(app.url, { timezone: 'UTC' });
    await user.ok(UpdateWorkingHoursDocument, {
      input: {
        workingHoursStart: '00:00',
        workingHoursEnd: '24:00',
        workingDays: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'],
      },
    });
    const today = new Date().toISOString().slice(0, 10);
    const before = Date.now();
    const days = await slots(user, { from: today, to: today, perDay: 10, durationMinutes: 15, bufferMinutes: 0 });
    const starts = days[0].slots.map((s) => Date.parse(String(s.startsAt)));
    expect(starts.every((t) => t >= before - 60_000)).toBe(true);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const past = await slots(user, {
      from: yesterday,
      to: yesterday,
      perDay: 10,
      durationMinutes: 15,
      bufferMinutes: 0,
    });
    expect(past).toEqual([{ date: yesterday, slots: [] }]);
  });

  it('refuses bad input naming the field, and anonymous callers', async () => {
    const user = await signedInUser(app.url);
    const good: SuggestMeetingSlotsInput = {
      from: '2027-03-01',
      to: '2027-03-05',
      perDay: 3,
      durationMinutes: 60,
      bufferMinutes: 15,
    };
    const cases: [Partial<SuggestMeetingSlotsInput>, string][] = [
      [{ to: '2027-02-28' }, 'input.to'],
      [{ to: '2027-04-01' }, 'input.to'], // 32 days
      [{ from: '2027-02-30' }, 'input.from'],
      [{ perDay: 0 }, 'input.perDay'],
      [{ perDay: 11 }, 'input.perDay'],
      [{ durationMinutes: 5 }, 'input.durationMinutes'],
      [{ bufferMinutes: -1 }, 'input.bufferMinutes'],
      [{ location: 'x'.repeat(201) }, 'input.location'],
    ];
    for (const [change, field] of cases) {
      const res = await user.run(SuggestMeetingSlotsDocument, { input: { ...good, ...change } });
      expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field }] });
    }
    // 31 days, both ends included, is the most.
    expect(await slots(user, { ...good, to: '2027-03-31' })).toHaveLength(23);
    const anonymous = await execute(app.url, SuggestMeetingSlotsDocument, { input: good });
    expect(errorOf(anonymous).extensions?.code).toBe('UNAUTHENTICATED');
  });
});
