import { DateTime } from 'luxon';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';
import { UpdateProfileDocument, WeeklyProgressDocument } from '../generated/graphql';

const ZONE = 'Pacific/Auckland';
const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;
let thisMonday: DateTime;

/** A meeting of `user` starting `weeksAgo` weeks back, `hours` after that week's local Monday 00:00. */
async function meeting(user: SignedInUser, weeksAgo: number, hours: number, status = 'COMPLETED') {
  const startsAt = thisMonday.minus({ weeks: weeksAgo }).plus({ hours }).toUTC().toISO();
  await app.infra.ds.query(
    `INSERT INTO meetings (user_id, contact_name, title, starts_at, ends_at, timezone, status)
     VALUES ($1, 'Person', 'Meeting', $2, $2::timestamptz + interval '1 hour', $3, $4)`,
    [user.user.id, startsAt, ZONE, status],
  );
}

const progress = async (user: SignedInUser, weeks: number) =>
  (await user.ok(WeeklyProgressDocument, { weeks })).weeklyProgress;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url, { timezone: ZONE });
  await ada.ok(UpdateProfileDocument, { input: { weeklyMeetingGoal: 2 } });
  thisMonday = DateTime.now().setZone(ZONE).startOf('week');
  // Four weeks ago: 2 (goal met). Three: 1. Two: 3. Last week: 2, one of them at 00:30 on its
  // Monday in Auckland, which is still the Sunday before in UTC.
  await meeting(ada, 4, 30);
  await meeting(ada, 4, 50);
  await meeting(ada, 3, 30);
  for (const hours of [10, 40, 160]) await meeting(ada, 2, hours);
  await meeting(ada, 1, 0.5);
  await meeting(ada, 1, 100);
  // Not held: planned, cancelled, no-show.
  await meeting(ada, 1, 20, 'SCHEDULED');
  await meeting(ada, 3, 20, 'CANCELLED');
  await meeting(ada, 3, 21, 'NO_SHOW');
});
afterAll(() => app.close());

const monday = (weeksAgo: number) => thisMonday.minus({ weeks: weeksAgo }).toISODate();

it('counts meetings held per local ISO week against the goal, with the streak since the last missed week', async () => {
  let answer: Awaited<ReturnType<typeof progress>> | undefined;
  const statements = await sql.during(async () => {
    answer = await progress(ada, 5);
  });
  expect(statements).toHaveLength(1);
  expect(answer!.goal).toBe(2);
  expect(answer!.weeks.map((w) => [w.weekStart, w.meetingsHeld, w.goalMet])).toEqual([
    [monday(4), 2, true],
    [monday(3), 1, false],
    [monday(2), 3, true],
    [monday(1), 2, true],
    [monday(0), 0, false],
  ]);
  expect(answer!.weeks[4].isoWeek).toBe(thisMonday.toFormat("kkkk-'W'WW"));
  expect(answer!.thisWeek).toEqual(answer!.weeks[4]);
  // Last week and the one before; this week does not count until it is met.
  expect(answer!.streak).toBe(2);
});

it('counts this week in the streak once it meets the goal, and asks only for the weeks wanted', async () => {
  const user = await signedInUser(app.url, { timezone: ZONE });
  await user.ok(UpdateProfileDocument, { input: { weeklyMeetingGoal: 1 } });
  await meeting(user, 1, 30);
  await meeting(user, 0, 1);
  const one = await progress(user, 1);
  expect(one.weeks).toHaveLength(1);
  expect(one.thisWeek).toMatchObject({ weekStart: monday(0), meetingsHeld: 1, goalMet: true });
  expect(one.streak).toBe(2);
  expect((await progress(user, 52)).weeks).toHaveLength(52);
  // Ada's meetings are hers alone.
  expect((await progress(user, 5)).weeks.map((w) => w.meetingsHeld)).toEqual([0, 0, 0, 1, 1]);
});

it('has no streak without a goal', async () => {
  const user = await signedInUser(app.url, { timezone: ZONE });
  await user.ok(UpdateProfileDocument, { input: { weeklyMeetingGoal: 0 } });
  await meeting(user, 1, 30);
  const answer = await progress(user, 2);
  expect(answer).toMatchObject({ goal: 0, streak: 0 });
  expect(answer.weeks.map((w) => [w.meetingsHeld, w.goalMet])).toEqual([
    [1, false],
    [0, false],
  ]);
});

it('refuses weeks outside 1..52, and anonymous callers', async () => {
  for (const weeks of [0, 53, -1]) {
    const res = await ada.run(WeeklyProgressDocument, { weeks });
    expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'weeks' }] });
  }
  const anonymous = await execute(app.url, WeeklyProgressDocument, { weeks: 4 });
  expect(errorOf(anonymous).extensions?.code).toBe('UNAUTHENTICATED');
});
