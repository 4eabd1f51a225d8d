import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { queueOptions } from '../../src/core/queue/queues';
import { EMAIL_JOB } from '../../src/modules/emails/email-queue';
import { WEEKLY_DIGEST_PLANNER_LOCK, WeeklyDigestPlanner } from '../../src/modules/emails/weekly-digest-planner';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, unverifiedUser, type SignedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CreateContactDocument,
  LogInteractionDocument,
  ScheduledEmailDocument,
  SendScheduledEmailNowDocument,
  UpdateDigestSettingsDocument,
  UpdateProfileDocument,
  type UpdateProfileInput,
  type Weekday,
} from '../generated/graphql';

let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink();
  worker = await startEmailWorker(app, sink.url);
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

// A fixed-offset zone where it is now between 11:00 and 12:00, so the day's sending window can be
// put before, around or after the present without crossing midnight. Etc/GMT+N is UTC−N.
const offset = 11 - DateTime.utc().hour;
const ZONE = offset === 0 ? 'UTC' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
const localNow = () => DateTime.now().setZone(ZONE);
const WEEKDAYS: Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const today = () => WEEKDAYS[localNow().weekday - 1];
const otherDay = () => WEEKDAYS[localNow().weekday % 7];

/** A user in ZONE who asked for the digest today, with the sending window open all day unless told otherwise. */
async function digestUser(settings: UpdateProfileInput = {}, unverified = false) {
  const input = { timezone: ZONE, name: 'Wes Weekly' };
  const user = unverified ? await unverifiedUser(app, input) : await signedInUser(app.url, input);
  await user.ok(UpdateProfileDocument, {
    input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00', weeklyMeetingGoal: 2, ...settings },
  });
  await user.ok(UpdateDigestSettingsDocument, { input: { weeklyDigestWeekday: today() } });
  return user;
}

const digestsOf = (userId: string): Promise<{ id: string; dedupe_key: string; send_at: Date; status: string }[]> =>
  app.infra.ds.query(
    `SELECT id, dedupe_key, send_at, status FROM scheduled_emails WHERE user_id = $1 AND kind = 'WEEKLY_DIGEST'`,
    [userId],
  );

async function held(user: SignedInUser, daysAgo: number) {
  await app.infra.ds.query(
    `INSERT INTO meetings (user_id, contact_name, title, starts_at, ends_at, timezone, status)
     VALUES ($1, 'Someone', 'Meeting', now() - make_interval(days => $2, mins => 5), now() - make_interval(days => $2), $3, 'COMPLETED')`,
    [user.user.id, daysAgo, ZONE],
  );
}

async function dueContact(user: SignedInUser, firstName: string) {
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName, lastName: 'Due', keepInTouchEveryDays: 7 },
  });
  await user.ok(LogInteractionDocument, {
    contactId: createContact.id,
    at: new Date(Date.now() - 10 * 86_400_000).toISOString(),
  });
}

const isoWeekKey = () => `weekly-digest:${localNow().toFormat("kkkk-'W'WW")}`;

async function settled(user: SignedInUser, id: string, status: string) {
  return eventually(async () => {
    const { scheduledEmail } = await user.ok(ScheduledEmailDocument, { id });
    if (scheduledEmail?.status !== status) throw new Error(`still ${scheduledEmail?.status}`);
    return scheduledEmail;
  });
}

describe('the weekly digest', () => {
  it('arrives on the chosen day with the week against the goal, the streak and who is due a note, once a week', async () => {
    const user = await digestUser();
    await held(user, 0); // this week: 1 of 2
    await held(user, 7);
    await held(user, 7); // last week: 2 of 2, a streak of 1
    await dueContact(user, 'Dora');

    expect((await worker.weeklyDigests.plan()).planned).toBeGreaterThanOrEqual(1);
    expect(await worker.weeklyDigests.plan()).toEqual({ planned: 0 });
    const [row] = await digestsOf(user.user.id);
    expect(row.dedupe_key).toBe(isoWeekKey());

    const [message] = await eventually(() => {
      const found = sink.messages.filter((m) => m.envelope.to.includes(user.input.email));
      return found.length ? found : Promise.reject(new Error('not arrived yet'));
    });
    expect(message.parsed.subject).toBe('Your week: 1 of 2 meetings so far');
    expect(message.parsed.text).toContain('This week: 1 of your 2 meetings held; 1 to go.');
    expect(message.parsed.text).toContain('Last week: 2, goal met.');
    expect(message.parsed.text).toContain('Weeks in a row at your goal: 1.');
    expect(message.parsed.text).toContain('- Dora Due, last in touch on');
    expect(message.parsed.html).toContain('Dora Due');
    await settled(user, row.id, 'SENT');

    // A change of day within the week plans no second one.
    await user.ok(UpdateDigestSettingsDocument, { input: { weeklyDigestWeekday: otherDay() } });
    await user.ok(UpdateDigestSettingsDocument, { input: { weeklyDigestWeekday: today() } });
    await worker.weeklyDigests.plan();
    expect(await digestsOf(user.user.id)).toHaveLength(1);
  });

  it('is off until a day is chosen, and skips other days, switched-off, suspended and unverified accounts', async () => {
    const none = await signedInUser(app.url, { timezone: ZONE });
    await none.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
    const { updateProfile: fresh } = await none.ok(UpdateDigestSettingsDocument, { input: {} });
    expect(fresh.weeklyDigestWeekday).toBeNull();
    const other = await digestUser();
    await other.ok(UpdateDigestSettingsDocument, { input: { weeklyDigestWeekday: otherDay() } });
    const off = await digestUser();
    await off.ok(UpdateDigestSettingsDocument, { input: { disabledReminders: ['WEEKLY_DIGEST'] } });
    const suspended = await digestUser();
    await app.infra.ds.query(`UPDATE users SET suspended_at = now() WHERE id = $1`, [suspended.user.id]);
    const unverified = await digestUser({}, true);
    // Nothing to tell: no goal and nobody due. With someone due, it goes.
    const quiet = await digestUser({ weeklyMeetingGoal: 0 });
    const noGoal = await digestUser({ weeklyMeetingGoal: 0 });
    await dueContact(noGoal, 'Nell');

    await worker.weeklyDigests.plan();
    for (const user of [none, other, off, suspended, unverified, quiet]) {
      expect(await digestsOf(user.user.id)).toEqual([]);
    }
    expect(await digestsOf(noGoal.user.id)).toHaveLength(1);
  });

  it('waits for the sending window, is not planned once the day’s window closed, and is cancelled if switched off meanwhile', async () => {
    const later = await digestUser({ sendingWindowStart: '13:00', sendingWindowEnd: '14:00' });
    const closed = await digestUser({ sendingWindowStart: '08:00', sendingWindowEnd: '09:00' });
    await worker.weeklyDigests.plan();
    expect(await digestsOf(closed.user.id)).toEqual([]);
    const [row] = await digestsOf(later.user.id);
    expect(row).toMatchObject({ dedupe_key: isoWeekKey(), status: 'PENDING' });
    expect(row.send_at.toISOString()).toBe(
      localNow().set({ hour: 13, minute: 0, second: 0, millisecond: 0 }).toUTC().toISO(),
    );

    await later.ok(UpdateDigestSettingsDocument, { input: { disabledReminders: ['WEEKLY_DIGEST'] } });
    await later.ok(SendScheduledEmailNowDocument, { id: row.id });
    const done = await settled(later, row.id, 'CANCELLED');
    expect(done?.cancelReason).toBe('REMINDER_OFF');
    expect(sink.messages.filter((m) => m.envelope.to.includes(later.input.email))).toEqual([]);
  });

  it('turns back on when a day is chosen, and off with null', async () => {
    const user = await digestUser();
    await user.ok(UpdateDigestSettingsDocument, { input: { disabledReminders: ['WEEKLY_DIGEST', 'PREP_REMINDER'] } });
    const { updateProfile: on } = await user.ok(UpdateDigestSettingsDocument, {
      input: { weeklyDigestWeekday: 'FRIDAY' },
    });
    expect(on).toMatchObject({ weeklyDigestWeekday: 'FRIDAY', disabledReminders: ['PREP_REMINDER'] });
    const { updateProfile: stopped } = await user.ok(UpdateDigestSettingsDocument, {
      input: { weeklyDigestWeekday: null },
    });
    expect(stopped).toMatchObject({ weeklyDigestWeekday: null, disabledReminders: ['PREP_REMINDER'] });
  });

  it('is planned by its own job; one digest from runs at once, none while another run holds the lock', async () => {
    const user = await digestUser({ sendingWindowStart: '13:00', sendingWindowEnd: '14:00' });
    const other = app.infra.ds.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [WEEKLY_DIGEST_PLANNER_LOCK]);
      expect(await worker.weeklyDigests.plan()).toEqual({ skipped: true, planned: 0 });
      expect(await digestsOf(user.user.id)).toEqual([]);
    } finally {
      await other.query('SELECT pg_advisory_unlock($1)', [WEEKLY_DIGEST_PLANNER_LOCK]);
      await other.release();
    }
    const runs = await Promise.all([
      worker.weeklyDigests.plan(),
      worker.weeklyDigests.plan(),
      worker.weeklyDigests.plan(),
    ]);
    expect(runs.filter((r) => !r.skipped).length).toBeGreaterThanOrEqual(1);
    expect(await digestsOf(user.user.id)).toHaveLength(1);

    const late = await digestUser({ sendingWindowStart: '13:00', sendingWindowEnd: '14:00' });
    const job = await app.http.services.emailQueue.add(EMAIL_JOB.planWeeklyDigests, {});
    await worker.waitProcessed(job.id!);
    expect(await digestsOf(late.user.id)).toHaveLength(1);

    const queue = new Queue('weekly-scheduler-check', queueOptions(app.config, app.infra.redis));
    try {
      await WeeklyDigestPlanner.schedule(queue, app.config);
      await WeeklyDigestPlanner.schedule(queue, app.config);
      const schedulers = (await queue.getJobSchedulers()).map(({ key, name, every }) => ({ key, name, every }));
      expect(schedulers).toEqual([
        {
          key: 'weekly_digest__plan',
          name: 'weekly_digest__plan',
          every: app.config.email.reconcileEverySeconds * 1000,
        },
      ]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
