import { DateTime } from 'luxon';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, unverifiedUser, type SignedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CreateCommitmentDocument,
  CreateContactDocument,
  CreateJobLeadDocument,
  CreateOrganisationDocument,
  DeleteCommitmentDocument,
  EditCommitmentDocument,
  LogInteractionDocument,
  SendScheduledEmailNowDocument,
  UpdateJobLeadDocument,
  UpdateProfileDocument,
  type CreateCommitmentInput,
  type UpdateProfileInput,
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

const DAY = 86_400_000;
const today = () => DateTime.utc().toISODate()!;
const tomorrow = () => DateTime.utc().plus({ days: 1 }).toISODate()!;
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** A user in UTC whose emails may go out at any hour, so what is due today is sent now. */
async function anyHourUser(settings: UpdateProfileInput = {}) {
  const user = await signedInUser(app.url, { timezone: 'UTC' });
  await user.ok(UpdateProfileDocument, {
    input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00', ...settings },
  });
  return user;
}

/** A user in UTC whose one-hour window opens one to two hours from now: what is planned waits. */
async function laterWindowUser(settings: UpdateProfileInput = {}) {
  const opensAt = (DateTime.utc().hour + 2) % 24;
  const user = await signedInUser(app.url, { timezone: 'UTC' });
  await user.ok(UpdateProfileDocument, {
    input: {
      sendingWindowStart: hh(opensAt),
      sendingWindowEnd: opensAt === 23 ? '24:00' : hh(opensAt + 1),
      ...settings,
    },
  });
  let opens = DateTime.utc().startOf('day').set({ hour: opensAt });
  if (opens < DateTime.utc()) opens = opens.plus({ days: 1 });
  return { user, opens };
}

interface Row {
  id: string;
  kind: string;
  dedupe_key: string;
  status: string;
  cancel_reason: string | null;
  send_at: Date;
  message_id: string;
}
const remindersOf = (userId: string): Promise<Row[]> =>
  app.infra.ds.query(
    `SELECT id, kind, dedupe_key, status, cancel_reason, send_at, message_id FROM scheduled_emails
      WHERE user_id = $1 AND kind IN ('COMMITMENT_DUE', 'JOB_LEAD_DEADLINE', 'KEEP_IN_TOUCH_DIGEST') ORDER BY created_at`,
    [userId],
  );
const settled = (id: string, status: string) =>
  eventually(async () => {
    const [row]: Row[] = await app.infra.ds.query(`SELECT * FROM scheduled_emails WHERE id = $1`, [id]);
    if (row?.status !== status) throw new Error(`still ${row?.status}`);
    return row;
  });
const byMessageId = (id: string) => sink.messages.filter((m) => m.parsed.messageId === id);
const arrived = (messageId: string) =>
  eventually(() => byMessageId(messageId)[0] ?? Promise.reject(new Error(`${messageId} not arrived yet`)));

const promise = async (user: SignedInUser, input: CreateCommitmentInput) =>
  (await user.ok(CreateCommitmentDocument, { input })).createCommitment;

describe('promise reminders', () => {
  it('sends one reminder on the due day listing every promise the user owes that day, once', async () => {
    const user = await anyHourUser();
    const { createContact: grace } = await user.ok(CreateContactDocument, {
      input: { firstName: 'Grace', lastName: 'Hopper' },
    });
    await promise(user, { description: 'Send Grace my portfolio', dueOn: today(), contactId: grace.id });
    await promise(user, { description: 'Read the annual report', dueOn: today() });
    // Not the user's to do, done already, or due another day: not listed.
    await promise(user, { description: 'Grace sends the org chart', dueOn: today(), owner: 'CONTACT' });
    const done = await promise(user, { description: 'Already done', dueOn: today() });
    await user.ok(EditCommitmentDocument, { id: done.id, input: { done: true } });
    await promise(user, { description: 'Tomorrow’s job', dueOn: tomorrow() });

    // Planned once, however many runs there are, at once or after.
    await Promise.all([worker.digests.plan(), worker.digests.plan(), worker.digests.plan()]);
    await worker.digests.plan();
    const rows = await remindersOf(user.user.id);
    expect(rows.map((r) => [r.kind, r.dedupe_key])).toEqual([['COMMITMENT_DUE', `commitments-due:${today()}`]]);

    const { parsed, envelope } = await arrived(rows[0].message_id);
    expect(envelope.to).toEqual([user.input.email]);
    expect(parsed.subject).toBe('Promises due today');
    expect(parsed.text).toContain('- Send Grace my portfolio (for Grace Hopper)');
    expect(parsed.text).toContain('- Read the annual report');
    expect(parsed.text).not.toMatch(/org chart|Already done|Tomorrow/);
    expect(parsed.html).toContain('Send Grace my portfolio');
    await settled(rows[0].id, 'SENT');

    // Another promise due today after the reminder went: no second email that day.
    await promise(user, { description: 'Late addition', dueOn: today() });
    await worker.digests.plan();
    expect(await remindersOf(user.user.id)).toHaveLength(1);
    expect(byMessageId(rows[0].message_id)).toHaveLength(1);
  });

  it('waits for the sending window, and follows edits: done cancels, undone revives, a new date cancels', async () => {
    const { user, opens } = await laterWindowUser();
    const day = opens.toISODate()!;
    const p = await promise(user, { description: 'Call back Alan', dueOn: day });
    await worker.digests.plan();
    let [row] = await remindersOf(user.user.id);
    expect(row).toMatchObject({ status: 'PENDING', dedupe_key: `commitments-due:${day}` });
    expect(row.send_at.toISOString()).toBe(opens.toJSDate().toISOString());

    await user.ok(EditCommitmentDocument, { id: p.id, input: { done: true } });
    [row] = await remindersOf(user.user.id);
    expect(row).toMatchObject({ status: 'CANCELLED', cancel_reason: 'NOTHING_DUE' });

    await user.ok(EditCommitmentDocument, { id: p.id, input: { done: false } });
    await worker.digests.plan();
    [row] = await remindersOf(user.user.id);
    expect(row).toMatchObject({ status: 'PENDING', cancel_reason: null });

    await user.ok(EditCommitmentDocument, {
      id: p.id,
      input: { dueOn: DateTime.fromISO(day).plus({ days: 3 }).toISODate() },
    });
    expect(await remindersOf(user.user.id)).toMatchObject([{ status: 'CANCELLED', cancel_reason: 'NOTHING_DUE' }]);
    const events: { event: string }[] = await app.infra.ds.query(
      `SELECT event FROM email_events WHERE scheduled_email_id = $1 ORDER BY created_at`,
      [row.id],
    );
    expect(events.map((e) => e.event)).toEqual(['PLANNED', 'CANCELLED', 'REPLANNED', 'CANCELLED']);

    // Back to the day, then deleted: cancelled again, and nothing is ever sent.
    await user.ok(EditCommitmentDocument, { id: p.id, input: { dueOn: day } });
    await worker.digests.plan();
    expect((await remindersOf(user.user.id))[0].status).toBe('PENDING');
    await user.ok(DeleteCommitmentDocument, { id: p.id });
    const [gone] = await remindersOf(user.user.id);
    expect(gone.status).toBe('CANCELLED');
    expect(byMessageId(gone.message_id)).toHaveLength(0);
  });

  it('is folded into the day’s keep-in-touch digest when there is one', async () => {
    const { user, opens } = await laterWindowUser();
    const day = opens.toISODate()!;
    const { createOrganisation: acme } = await user.ok(CreateOrganisationDocument, { input: { name: 'Acme' } });
    await promise(user, { description: 'Send Dora the article', dueOn: day });
    await user.ok(CreateJobLeadDocument, {
      input: { title: 'Analyst', organisationId: acme.id, deadline: day, status: 'APPLIED' },
    });
    // No digest yet: each kind is planned on its own.
    await worker.digests.plan();
    expect((await remindersOf(user.user.id)).map((r) => [r.kind, r.status])).toEqual([
      ['COMMITMENT_DUE', 'PENDING'],
      ['JOB_LEAD_DEADLINE', 'PENDING'],
    ]);
    // A contact falls due the same day: the digest is planned and carries both instead.
    const { createContact: dora } = await user.ok(CreateContactDocument, {
      input: { firstName: 'Dora', lastName: 'Due', keepInTouchEveryDays: 7, organisationId: acme.id },
    });
    await user.ok(LogInteractionDocument, { contactId: dora.id, at: new Date(Date.now() - 10 * DAY).toISOString() });
    await worker.digests.plan();
    const rows = await remindersOf(user.user.id);
    expect(rows.map((r) => [r.kind, r.status, r.cancel_reason])).toEqual([
      ['COMMITMENT_DUE', 'CANCELLED', 'FOLDED_INTO_DIGEST'],
      ['JOB_LEAD_DEADLINE', 'CANCELLED', 'FOLDED_INTO_DIGEST'],
      ['KEEP_IN_TOUCH_DIGEST', 'PENDING', null],
    ]);
    // Re-planning does not bring them back while the digest carries them.
    await worker.digests.plan();
    expect((await remindersOf(user.user.id)).filter((r) => r.status === 'PENDING')).toHaveLength(1);

    // Sent now: it lists what is due on the user's today, so the items' day is made today (it
    // is tomorrow when the window opens after midnight).
    for (const [table, column] of [
      ['commitments', 'due_on'],
      ['job_leads', 'deadline'],
    ])
      await app.infra.ds.query(`UPDATE ${table} SET ${column} = (now() AT TIME ZONE 'UTC')::date WHERE user_id = $1`, [
        user.user.id,
      ]);
    const digest = rows[2];
    await user.ok(SendScheduledEmailNowDocument, { id: digest.id });
    const { parsed } = await arrived(digest.message_id);
    expect(parsed.text).toContain('Dora Due (Acme)');
    expect(parsed.text).toContain('Due today, as you promised:');
    expect(parsed.text).toContain('- Send Dora the article');
    expect(parsed.text).toContain('Last day to apply:');
    expect(parsed.text).toContain('- Analyst at Acme (Applied)');
  });
});

describe('deadline reminders', () => {
  it('reminds of an open lead on its deadline, and cancels when the lead closes first', async () => {
    const user = await anyHourUser();
    const { createOrganisation: acme } = await user.ok(CreateOrganisationDocument, { input: { name: 'Initech' } });
    await user.ok(CreateJobLeadDocument, {
      input: { title: 'Data analyst', organisationId: acme.id, deadline: today() },
    });
    // Closed leads are not reminded.
    await user.ok(CreateJobLeadDocument, { input: { title: 'Withdrawn one', deadline: today(), status: 'WITHDRAWN' } });
    await worker.digests.plan();
    const [row] = await remindersOf(user.user.id);
    expect(row).toMatchObject({ kind: 'JOB_LEAD_DEADLINE', dedupe_key: `job-lead-deadlines:${today()}` });
    const { parsed } = await arrived(row.message_id);
    expect(parsed.subject).toBe('Last day to apply');
    expect(parsed.text).toContain('- Data analyst at Initech (Interested)');
    expect(parsed.text).not.toContain('Withdrawn one');

    const { user: later, opens } = await laterWindowUser();
    const { createJobLead: lead } = await later.ok(CreateJobLeadDocument, {
      input: { title: 'Closes first', deadline: opens.toISODate() },
    });
    await worker.digests.plan();
    expect((await remindersOf(later.user.id))[0].status).toBe('PENDING');
    await later.ok(UpdateJobLeadDocument, { id: lead.id, input: { status: 'REJECTED' } });
    expect(await remindersOf(later.user.id)).toMatchObject([{ status: 'CANCELLED', cancel_reason: 'NOTHING_DUE' }]);
  });
});

describe('who is never reminded', () => {
  it('a user who switched the kind off: no reminder, and the digest leaves the items out', async () => {
    const user = await anyHourUser({ disabledReminders: ['COMMITMENT_DUE'] });
    const { createContact: due } = await user.ok(CreateContactDocument, {
      input: { firstName: 'Otto', keepInTouchEveryDays: 7 },
    });
    await user.ok(LogInteractionDocument, { contactId: due.id, at: new Date(Date.now() - 10 * DAY).toISOString() });
    await promise(user, { description: 'Switched-off promise', dueOn: today() });
    await worker.digests.plan();
    const rows = await remindersOf(user.user.id);
    expect(rows.map((r) => r.kind)).toEqual(['KEEP_IN_TOUCH_DIGEST']);
    const { parsed } = await arrived(rows[0].message_id);
    expect(parsed.text).toContain('Otto');
    expect(parsed.text).not.toContain('Switched-off promise');
  });

  it('a suspended account: nothing planned, and a pending reminder is cancelled at send time', async () => {
    const { user, opens } = await laterWindowUser();
    await promise(user, { description: 'Before suspension', dueOn: opens.toISODate() });
    await worker.digests.plan();
    const [row] = await remindersOf(user.user.id);
    expect(row.status).toBe('PENDING');
    await app.infra.ds.query(`UPDATE users SET suspended_at = now() WHERE id = $1`, [user.user.id]);
    // Due now, found by the reconciler's sweep, refused by the worker.
    await app.infra.ds.query(`UPDATE scheduled_emails SET send_at = now() - interval '1 hour' WHERE id = $1`, [row.id]);
    await worker.reconciler.sweep();
    const cancelled = await settled(row.id, 'CANCELLED');
    expect(cancelled.cancel_reason).toBe('ACCOUNT_SUSPENDED');
    expect(byMessageId(row.message_id)).toHaveLength(0);

    const other = await anyHourUser();
    await app.infra.ds.query(`UPDATE users SET suspended_at = now() WHERE id = $1`, [other.user.id]);
    await app.infra.ds.query(
      `INSERT INTO commitments (user_id, owner, description, due_on) VALUES ($1, 'ME', 'Suspended promise', (now() AT TIME ZONE 'UTC')::date)`,
      [other.user.id],
    );
    await worker.digests.plan();
    expect(await remindersOf(other.user.id)).toEqual([]);
  });

  it('an account whose address is not verified', async () => {
    const user = await unverifiedUser(app, { timezone: 'UTC' });
    await promise(user, { description: 'Unverified promise', dueOn: today() });
    await worker.digests.plan();
    expect(await remindersOf(user.user.id)).toEqual([]);
  });
});

describe('with a digest already planned', () => {
  it('plans no reminder of its own: the digest carries the items', async () => {
    const { user, opens } = await laterWindowUser();
    const { createContact: due } = await user.ok(CreateContactDocument, {
      input: { firstName: 'Carla', keepInTouchEveryDays: 7 },
    });
    await user.ok(LogInteractionDocument, { contactId: due.id, at: new Date(Date.now() - 10 * DAY).toISOString() });
    await promise(user, { description: 'Carried promise', dueOn: opens.toISODate() });
    await worker.digests.plan();
    await worker.digests.plan();
    expect((await remindersOf(user.user.id)).map((r) => r.kind)).toEqual(['KEEP_IN_TOUCH_DIGEST']);
  });

  it('a digest template of the user’s own that does not show promises carries none: the reminder goes on its own', async () => {
    const { user, opens } = await laterWindowUser();
    await app.infra.ds.query(
      `INSERT INTO email_templates (user_id, kind, subject, body) VALUES ($1, 'KEEP_IN_TOUCH_DIGEST', 'Catch up', 'Hi {{user.firstName}}')`,
      [user.user.id],
    );
    const { createContact: due } = await user.ok(CreateContactDocument, {
      input: { firstName: 'Tess', keepInTouchEveryDays: 7 },
    });
    await user.ok(LogInteractionDocument, { contactId: due.id, at: new Date(Date.now() - 10 * DAY).toISOString() });
    await promise(user, { description: 'Own-template promise', dueOn: opens.toISODate() });
    await worker.digests.plan();
    expect((await remindersOf(user.user.id)).map((r) => [r.kind, r.status]).sort()).toEqual([
      ['COMMITMENT_DUE', 'PENDING'],
      ['KEEP_IN_TOUCH_DIGEST', 'PENDING'],
    ]);
  });
});
