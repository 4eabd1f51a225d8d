import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { queueOptions } from '../../src/core/queue/queues';
import { DIGEST_PLANNER_LOCK, DigestPlanner } from '../../src/modules/emails/digest-planner';
import { EMAIL_JOB } from '../../src/modules/emails/email-queue';
import { Reconciler } from '../../src/modules/emails/reconciler';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  ContactDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  InteractionsDocument,
  LogInteractionDocument,
  RequestMeetingDocument,
  ScheduledEmailDocument,
  ScheduledEmailsDocument,
  ScheduleMeetingDocument,
  SendScheduledEmailNowDocument,
  UpdateProfileDocument,
  type CreateContactInput,
  type EmailKind,
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
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();

/** A user in UTC whose emails may go out at any hour, so what is due now is sent now. */
async function anyHourUser(settings: UpdateProfileInput = {}, name = 'Ada Lovelace') {
  const user = await signedInUser(app.url, { name, timezone: 'UTC' });
  await user.ok(UpdateProfileDocument, {
    input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00', ...settings },
  });
  return user;
}

async function contactOf(user: SignedInUser, input: CreateContactInput) {
  return (await user.ok(CreateContactDocument, { input })).createContact;
}

async function emailsOf(user: SignedInUser, filter: { contactId?: string; kinds?: EmailKind[] }) {
  const { scheduledEmails } = await user.ok(ScheduledEmailsDocument, { filter, first: 50 });
  return scheduledEmails.edges.map((e) => e.node);
}

const byMessageId = (id: string) => sink.messages.filter((m) => m.parsed.messageId === id);
const arrived = (messageId: string) =>
  eventually(() => byMessageId(messageId)[0] ?? Promise.reject(new Error(`${messageId} not arrived yet`)));

async function settled(user: SignedInUser, id: string, status: string) {
  return eventually(async () => {
    const { scheduledEmail } = await user.ok(ScheduledEmailDocument, { id });
    if (scheduledEmail?.status !== status) throw new Error(`still ${scheduledEmail?.status}`);
    return scheduledEmail;
  });
}

describe('requestMeeting', () => {
  it('emails the message as written, moves the contact to REQUESTED and plans a nudge N days later', async () => {
    const user = await anyHourUser({ outreachNudgeDays: 3 });
    const contact = await contactOf(user, { firstName: 'Grace', lastName: 'Hopper', email: 'grace.ask@example.test' });
    const message =
      'I am moving into <b>compilers</b> & would value 20 minutes.\n\nPS: {{user.email}} {{{contact.email}}}';

    const { requestMeeting } = await user.ok(RequestMeetingDocument, { contactId: contact.id, message });
    expect(requestMeeting.contact).toMatchObject({ id: contact.id, stage: 'REQUESTED' });
    const emails = await emailsOf(user, { contactId: contact.id });
    expect(emails.map((e) => e.kind).sort()).toEqual(['OUTREACH', 'OUTREACH_NUDGE']);
    const outreach = emails.find((e) => e.kind === 'OUTREACH')!;
    const nudge = emails.find((e) => e.kind === 'OUTREACH_NUDGE')!;
    // The payload carries the OUTREACH email it planned, as it was when planned (before any send).
    const { history, ...planned } = outreach;
    expect(history[0]).toMatchObject({ event: 'PLANNED' });
    expect(requestMeeting.email).toEqual({
      ...planned,
      status: 'PENDING',
      sentAt: null,
      attempts: 0,
      lastError: null,
      cancelReason: null,
    });
    expect(requestMeeting.email.subject).toBe('Would you have time for a short conversation, Grace?');
    expect(outreach).toMatchObject({ toEmail: 'grace.ask@example.test', toName: 'Grace Hopper' });
    expect(Math.abs(new Date(outreach.sendAt).getTime() - Date.now())).toBeLessThan(60_000);
    expect(nudge).toMatchObject({ status: 'PENDING', toEmail: user.input.email });
    expect(new Date(nudge.sendAt).getTime() - new Date(outreach.sendAt).getTime()).toBe(3 * DAY);

    const { parsed, envelope, raw } = await arrived(outreach.messageId);
    expect(envelope.to).toEqual(['grace.ask@example.test']);
    expect(parsed.from?.value).toEqual([{ name: 'Ada Lovelace', address: app.config.mail.fromAddress }]);
    expect(parsed.replyTo?.value).toEqual([{ name: 'Ada Lovelace', address: user.input.email }]);
    const headers = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
    expect(headers).toMatch(/^List-Unsubscribe: <mailto:[^>]+>, <https?:\/\/[^>]+\/unsubscribe\/[^>]+>$/m);
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(parsed.subject).toBe('Would you have time for a short conversation, Grace?');
    // The message is data: escaped in HTML, and its braces are never run as a template.
    expect(parsed.text).toContain('I am moving into <b>compilers</b> & would value 20 minutes.');
    expect(parsed.text).toContain('PS: {{user.email}} {{{contact.email}}}');
    expect(parsed.html).toContain('&lt;b&gt;compilers&lt;/b&gt; &amp; would value');
    expect(parsed.html).not.toContain('<b>compilers');
    expect(parsed.html).toContain('{{user.email}} {{{contact.email}}}');
    expect(`${parsed.text}${parsed.html}`).not.toContain(user.input.email);
    expect(`${parsed.text}${parsed.html}`).not.toContain('grace.ask@example.test');

    await settled(user, outreach.id, 'SENT');
    // The email was an interaction: the keep-in-touch clock restarted.
    const { contact: after } = await user.ok(ContactDocument, { id: contact.id });
    expect(after?.lastContactedAt).not.toBeNull();
  });

  it('plans a new outreach for a second request, and restarts the nudge', async () => {
    const user = await anyHourUser();
    const contact = await contactOf(user, { firstName: 'Twice', email: 'twice@example.test' });
    await user.ok(RequestMeetingDocument, { contactId: contact.id, message: 'First try.' });
    await user.ok(RequestMeetingDocument, { contactId: contact.id, message: 'Second try.' });
    const emails = await emailsOf(user, { contactId: contact.id });
    const outreaches = emails.filter((e) => e.kind === 'OUTREACH');
    expect(outreaches).toHaveLength(2);
    expect(new Set(outreaches.map((e) => e.messageId)).size).toBe(2);
    const nudges = emails.filter((e) => e.kind === 'OUTREACH_NUDGE').map((e) => [e.status, e.cancelReason]);
    expect(nudges.sort()).toEqual([
      ['CANCELLED', 'PLAN_CHANGED'],
      ['PENDING', null],
    ]);
    const texts = await Promise.all(outreaches.map((e) => arrived(e.messageId).then((m) => m.parsed.text)));
    expect(texts.sort().map((t) => (t?.includes('First try.') ? 'first' : 'second'))).toEqual(['first', 'second']);
  });

  it('plans no nudge for a user who switched nudges off', async () => {
    const user = await anyHourUser({ disabledReminders: ['OUTREACH_NUDGE'] });
    const contact = await contactOf(user, { firstName: 'Solo', email: 'solo@example.test' });
    await user.ok(RequestMeetingDocument, { contactId: contact.id, message: 'Hello!' });
    expect((await emailsOf(user, { contactId: contact.id })).map((e) => e.kind)).toEqual(['OUTREACH']);
  });

  it('refuses bad input, naming the field, and plans nothing', async () => {
    const user = await anyHourUser();
    const other = await anyHourUser();
    const ok = await contactOf(user, { firstName: 'Fine', email: 'fine@example.test' });
    const noEmail = await contactOf(user, { firstName: 'Nomail' });
    const optedOut = await contactOf(user, { firstName: 'Out', email: 'out.ask@example.test', emailOptOut: true });
    const met = await contactOf(user, { firstName: 'Met', email: 'met.ask@example.test', stage: 'MET' });

    for (const message of ['', '   \n ', 'x'.repeat(5001)]) {
      const res = await user.run(RequestMeetingDocument, { contactId: ok.id, message });
      expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.message' }] });
    }
    const missing = errorOf(await user.run(RequestMeetingDocument, { contactId: noEmail.id, message: 'Hi' }));
    expect(missing.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.contactId', message: 'has no email address' }],
    });
    const out = errorOf(await user.run(RequestMeetingDocument, { contactId: optedOut.id, message: 'Hi' }));
    expect(out.extensions).toMatchObject({ code: 'CONFLICT', reason: 'OPTED_OUT' });
    const stage = errorOf(await user.run(RequestMeetingDocument, { contactId: met.id, message: 'Hi' }));
    expect(stage.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'ILLEGAL_STAGE_TRANSITION',
      fields: [{ field: 'input.contactId' }],
    });
    const theirs = errorOf(await other.run(RequestMeetingDocument, { contactId: ok.id, message: 'Hi' }));
    expect(theirs.extensions).toMatchObject({ code: 'NOT_FOUND', fields: [{ field: 'input.contactId' }] });

    expect(await emailsOf(user, {})).toEqual([]);
    const { contact: still } = await user.ok(ContactDocument, { id: met.id });
    expect(still?.stage).toBe('MET');
    const { contact: fine } = await user.ok(ContactDocument, { id: ok.id });
    expect(fine?.stage).toBe('IDENTIFIED');
  });
});

describe('the no-answer nudge', () => {
  async function requested(user: SignedInUser, firstName: string) {
    const contact = await contactOf(user, { firstName, lastName: 'Quiet', email: `${firstName}.nudge@example.test` });
    await user.ok(RequestMeetingDocument, { contactId: contact.id, message: 'Could we talk?' });
    const nudge = (await emailsOf(user, { contactId: contact.id, kinds: ['OUTREACH_NUDGE'] }))[0];
    return { contact, nudge };
  }

  it('is cancelled, not sent, once the contact moved on (a meeting got scheduled)', async () => {
    const user = await anyHourUser();
    const { contact, nudge } = await requested(user, 'answered');
    const startsAt = new Date(Date.now() + 2 * DAY).toISOString();
    const endsAt = new Date(Date.now() + 2 * DAY + 3_600_000).toISOString();
    await user.ok(ScheduleMeetingDocument, { input: { contactId: contact.id, startsAt, endsAt } });

    await user.ok(SendScheduledEmailNowDocument, { id: nudge.id });
    const done = await settled(user, nudge.id, 'CANCELLED');
    expect(done?.cancelReason).toBe('ANSWERED');
    expect(done?.history.map((h) => h.event)).toEqual(['PLANNED', 'SEND_NOW', 'CLAIMED', 'CANCELLED']);
    expect(byMessageId(nudge.messageId)).toHaveLength(0);
  });

  it('reaches the user while the contact is still REQUESTED', async () => {
    const user = await anyHourUser();
    const { nudge } = await requested(user, 'silent');
    await user.ok(SendScheduledEmailNowDocument, { id: nudge.id });
    const { parsed, envelope } = await arrived(nudge.messageId);
    expect(envelope.to).toEqual([user.input.email]);
    expect(parsed.subject).toBe('No reply yet from silent Quiet');
    expect(parsed.text).toContain('You asked silent Quiet for a conversation');
    expect(parsed.headers.get('list-unsubscribe')).toBeUndefined();
    await settled(user, nudge.id, 'SENT');
  });
});

describe('logInteraction', () => {
  const timelineOf = async (user: SignedInUser, contactId: string) =>
    (await user.ok(InteractionsDocument, { contactId, first: 50 })).interactions.edges.map((e) => e.node);

  it('moves lastContactedAt forward only, logs each interaction as a row of the timeline and refuses the future', async () => {
    const user = await signedInUser(app.url, { timezone: 'Asia/Tokyo' });
    const other = await signedInUser(app.url);
    const contact = await contactOf(user, { firstName: 'Linus', notes: 'Met at a meetup.' });

    const at = daysAgo(3);
    const first = (
      await user.ok(LogInteractionDocument, {
        contactId: contact.id,
        note: ' Coffee <b>chat</b>\r\n',
        at,
        kind: 'COFFEE',
      })
    ).logInteraction;
    expect(first.lastContactedAt).toBe(at);
    // The notes are the user's own again: logged interactions no longer grow them.
    expect(first.notes).toBe('Met at a meetup.');
    expect(await timelineOf(user, contact.id)).toEqual([
      expect.objectContaining({ source: 'LOGGED', kind: 'COFFEE', note: 'Coffee <b>chat</b>', occurredAt: at }),
    ]);

    const olderAt = daysAgo(5);
    const older = (await user.ok(LogInteractionDocument, { contactId: contact.id, at: olderAt })).logInteraction;
    expect(older.lastContactedAt).toBe(at);
    expect(older.notes).toBe('Met at a meetup.');

    const now = (await user.ok(LogInteractionDocument, { contactId: contact.id, note: 'Call' })).logInteraction;
    expect(Math.abs(new Date(now.lastContactedAt!).getTime() - Date.now())).toBeLessThan(60_000);
    const timeline = await timelineOf(user, contact.id);
    expect(timeline.map((i) => [i.source, i.kind, i.note])).toEqual([
      ['LOGGED', 'OTHER', 'Call'],
      ['LOGGED', 'COFFEE', 'Coffee <b>chat</b>'],
      ['LOGGED', 'OTHER', null],
    ]);
    expect(timeline[0].occurredAt).toBe(now.lastContactedAt);
    expect(timeline[2].occurredAt).toBe(olderAt);

    const future = await user.run(LogInteractionDocument, {
      contactId: contact.id,
      at: new Date(Date.now() + DAY).toISOString(),
    });
    expect(errorOf(future).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.at' }] });
    const long = await user.run(LogInteractionDocument, { contactId: contact.id, note: 'x'.repeat(2001) });
    expect(errorOf(long).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.note' }] });
    const theirs = await other.run(LogInteractionDocument, { contactId: contact.id, note: 'Hijacked' });
    expect(errorOf(theirs).extensions).toMatchObject({ code: 'NOT_FOUND' });
    // Nothing half-written by the refused calls.
    expect(await timelineOf(user, contact.id)).toHaveLength(3);

    const { contact: after } = await user.ok(ContactDocument, { id: contact.id });
    expect(after).toMatchObject({ lastContactedAt: now.lastContactedAt, notes: 'Met at a meetup.' });
  });
});

describe('the keep-in-touch digest', () => {
  const digestsOf = (userId: string): Promise<{ id: string; dedupe_key: string; send_at: Date; status: string }[]> =>
    app.infra.ds.query(
      `SELECT id, dedupe_key, send_at, status FROM scheduled_emails WHERE user_id = $1 AND kind = 'KEEP_IN_TOUCH_DIGEST'`,
      [userId],
    );

  /** A contact whose cadence ran out `overdueDays` ago (or is not due yet, when negative). */
  async function lastSeen(user: SignedInUser, input: CreateContactInput, every: number, daysSince: number) {
    const contact = await contactOf(user, { ...input, keepInTouchEveryDays: every });
    await user.ok(LogInteractionDocument, { contactId: contact.id, at: daysAgo(daysSince) });
    return contact;
  }

  it('is planned once a day per user by the digest job, lists the overdue contacts and arrives', async () => {
    const user = await anyHourUser({}, 'Dana Digest');
    const { createOrganisation: acme } = await user.ok(CreateOrganisationDocument, { input: { name: 'Acme' } });
    await lastSeen(user, { firstName: 'Dora', lastName: 'Due', organisationId: acme.id }, 7, 10);
    await lastSeen(user, { firstName: 'Rita', lastName: 'Recent' }, 30, 10);
    await lastSeen(user, { firstName: 'Quinn', email: 'quinn.digest@example.test', emailOptOut: true }, 7, 10);
    await contactOf(user, { firstName: 'Ned', lastName: 'Never' });

    const first = await worker.digests.plan();
    expect(first.planned).toBeGreaterThanOrEqual(1);
    const second = await worker.digests.plan();
    expect(second).toEqual({ planned: 0 });
    const rows = await digestsOf(user.user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].dedupe_key).toBe(`digest:${DateTime.utc().toISODate()}`);

    const [digest] = await emailsOf(user, { kinds: ['KEEP_IN_TOUCH_DIGEST'] });
    const { parsed, envelope } = await arrived(digest.messageId);
    expect(envelope.to).toEqual([user.input.email]);
    expect(parsed.subject).toBe('Time to catch up with a few people');
    expect(parsed.text).toContain('Dora Due (Acme)');
    expect(parsed.text).not.toMatch(/Rita|Quinn|Ned/);
    await settled(user, digest.id, 'SENT');
    await worker.digests.plan();
    expect(await digestsOf(user.user.id)).toHaveLength(1);
  });

  it('is not planned for a user who switched it off, or who is suspended', async () => {
    const off = await anyHourUser({ disabledReminders: ['KEEP_IN_TOUCH_DIGEST'] });
    await lastSeen(off, { firstName: 'Olive' }, 7, 10);
    const suspended = await anyHourUser();
    await lastSeen(suspended, { firstName: 'Sam' }, 7, 10);
    await app.infra.ds.query(`UPDATE users SET suspended_at = now() WHERE id = $1`, [suspended.user.id]);

    await worker.digests.plan();
    expect(await digestsOf(off.user.id)).toEqual([]);
    expect(await digestsOf(suspended.user.id)).toEqual([]);
  });

  it('waits for the sending window, and is cancelled when nobody is due any more at send time', async () => {
    // A one-hour window that opens one to two hours from now: the digest waits for it.
    const opensAt = (DateTime.utc().hour + 2) % 24;
    const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
    const user = await anyHourUser({
      sendingWindowStart: hh(opensAt),
      sendingWindowEnd: opensAt === 23 ? '24:00' : hh(opensAt + 1),
    });
    const due = await lastSeen(user, { firstName: 'Wendy', lastName: 'Waiting' }, 7, 10);
    let opens = DateTime.utc().startOf('day').set({ hour: opensAt });
    if (opens < DateTime.utc()) opens = opens.plus({ days: 1 });

    await worker.digests.plan();
    const [row] = await digestsOf(user.user.id);
    expect(row).toMatchObject({ dedupe_key: `digest:${opens.toISODate()}`, status: 'PENDING' });
    expect(row.send_at.toISOString()).toBe(opens.toJSDate().toISOString());

    // In touch since: nothing to say any more. Forced due, the worker cancels instead of sending.
    await user.ok(LogInteractionDocument, { contactId: due.id });
    await user.ok(SendScheduledEmailNowDocument, { id: row.id });
    const done = await settled(user, row.id, 'CANCELLED');
    expect(done?.cancelReason).toBe('NOTHING_DUE');
    expect(byMessageId(done!.messageId)).toHaveLength(0);
    await worker.digests.plan();
    expect(await digestsOf(user.user.id)).toHaveLength(1);
  });

  it('is planned by its own job, which the worker runs by name; the reconciler sweep plans none', async () => {
    const user = await anyHourUser();
    await lastSeen(user, { firstName: 'Jo', lastName: 'Job' }, 7, 10);

    await worker.reconciler.sweep();
    expect(await digestsOf(user.user.id)).toEqual([]);

    const job = await app.http.services.emailQueue.add(EMAIL_JOB.planDigests, {});
    await worker.waitProcessed(job.id!);
    const rows = await digestsOf(user.user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].dedupe_key).toBe(`digest:${DateTime.utc().toISODate()}`);
  });

  it('plans nothing while another run holds its lock, and one digest from runs at once', async () => {
    const user = await anyHourUser();
    await lastSeen(user, { firstName: 'Lou', lastName: 'Locked' }, 7, 10);
    const other = app.infra.ds.createQueryRunner();
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [DIGEST_PLANNER_LOCK]);
      expect(await worker.digests.plan()).toEqual({ skipped: true, planned: 0 });
      expect(await digestsOf(user.user.id)).toEqual([]);
    } finally {
      await other.query('SELECT pg_advisory_unlock($1)', [DIGEST_PLANNER_LOCK]);
      await other.release();
    }

    const runs = await Promise.all([worker.digests.plan(), worker.digests.plan(), worker.digests.plan()]);
    expect(runs.filter((r) => !r.skipped).length).toBeGreaterThanOrEqual(1);
    expect(await digestsOf(user.user.id)).toHaveLength(1);
  });

  it('is registered as a repeating job of its own, next to the sweep, as often', async () => {
    // A queue of its own, which no worker runs: the schedulers are only looked at.
    const queue = new Queue('scheduler-check', queueOptions(app.config, app.infra.redis));
    try {
      await Reconciler.schedule(queue, app.config);
      await DigestPlanner.schedule(queue, app.config);
      await DigestPlanner.schedule(queue, app.config);
      const every = app.config.email.reconcileEverySeconds * 1000;
      const schedulers = (await queue.getJobSchedulers()).map(({ key, name, every }) => ({ key, name, every }));
      expect(schedulers.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { key: 'keep_in_touch__plan_digests', name: 'keep_in_touch__plan_digests', every },
        { key: 'reconciler__sweep', name: 'reconciler__sweep', every },
      ]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
