import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CancelMeetingDocument,
  CompleteMeetingDocument,
  ContactsDocument,
  ContactTimelinesDocument,
  CreateContactDocument,
  InteractionsDocument,
  LogInteractionDocument,
  RequestMeetingDocument,
  ScheduledEmailsDocument,
  ScheduleMeetingDocument,
  UpdateProfileDocument,
  type InteractionFieldsFragment,
} from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
beforeAll(async () => {
  app = await startTestApp({}, { sql });
  sink = await startSmtpSink();
  worker = await startEmailWorker(app, sink.url);
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

async function anyHourUser() {
  const user = await signedInUser(app.url, { timezone: 'UTC' });
  await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
  return user;
}

async function timeline(user: SignedInUser, contactId: string, first: number) {
  const entries: InteractionFieldsFragment[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const {
      interactions,
    }: {
      interactions: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor?: string | null };
        edges: { node: InteractionFieldsFragment }[];
      };
    } = await user.ok(InteractionsDocument, { contactId, first, after });
    entries.push(...interactions.edges.map((e) => e.node));
    totals.push(interactions.totalCount);
    if (!interactions.pageInfo.hasNextPage) break;
    after = interactions.pageInfo.endCursor ?? null;
  }
  return { entries, totals };
}

/**
 * Grace's story, built through the API with known answers: an outreach email (sent), a meeting
 * held 3 days ago (its thank-you sent, its follow-up still pending), one cancelled, one ahead,
 * and two logged interactions. Reminders to the user and pending mail are not on her timeline.
 */
async function graceStory() {
  const user = await anyHourUser();
  const { createContact: grace } = await user.ok(CreateContactDocument, {
    input: { firstName: 'Grace', email: `grace-${Date.now()}@example.test` },
  });
  const { createContact: other } = await user.ok(CreateContactDocument, { input: { firstName: 'Other' } });
  await user.ok(RequestMeetingDocument, { contactId: grace.id, message: 'Could we talk?' });
  const { scheduleMeeting: held } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId: grace.id, title: 'Coffee', startsAt: at(-3 * DAY), endsAt: at(-3 * DAY + HOUR) },
  });
  await user.ok(CompleteMeetingDocument, { id: held.id, input: { notes: 'Good' } });
  const { scheduleMeeting: called } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId: grace.id, title: 'Lunch', startsAt: at(5 * DAY), endsAt: at(5 * DAY + HOUR) },
  });
  await user.ok(CancelMeetingDocument, { id: called.id, reason: 'Travel' });
  const { scheduleMeeting: ahead } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId: grace.id, title: 'Visit', startsAt: at(10 * DAY), endsAt: at(10 * DAY + HOUR) },
  });
  const callAt = at(-2 * DAY);
  const coffeeAt = at(-6 * DAY);
  await user.ok(LogInteractionDocument, { contactId: grace.id, kind: 'CALL', note: 'Phone call', at: callAt });
  await user.ok(LogInteractionDocument, { contactId: grace.id, kind: 'COFFEE', note: 'Coffee', at: coffeeAt });
  await user.ok(LogInteractionDocument, { contactId: other.id, note: 'Not Grace' });
  await user.ok(ScheduleMeetingDocument, {
    input: { contactId: other.id, title: 'Not Grace', startsAt: at(2 * DAY), endsAt: at(2 * DAY + HOUR) },
  });

  const sent = await eventually(async () => {
    const { scheduledEmails } = await user.ok(ScheduledEmailsDocument, { filter: { contactId: grace.id }, first: 50 });
    const emails = scheduledEmails.edges.map((e) => e.node);
    const done = emails.filter((e) => e.status === 'SENT' && ['OUTREACH', 'THANK_YOU'].includes(e.kind));
    if (done.length < 2) throw new Error(`sent so far: ${done.map((e) => e.kind).join()}`);
    return { done, all: emails };
  });
  return { user, grace, other, held, called, ahead, callAt, coffeeAt, sent };
}

describe('interactions (a contact’s timeline)', () => {
  let story: Awaited<ReturnType<typeof graceStory>>;
  beforeAll(async () => {
    story = await graceStory();
  });

  it('lists meetings, emails sent to the contact, outreach and logged interactions, newest first', async () => {
    const { user, grace, held, called, ahead, callAt, coffeeAt, sent } = story;
    const outreach = sent.done.find((e) => e.kind === 'OUTREACH')!;
    const thanks = sent.done.find((e) => e.kind === 'THANK_YOU')!;
    // Still pending (the follow-up) or to the user (the nudge): not part of her story.
    expect(sent.all.some((e) => e.status === 'PENDING')).toBe(true);

    const emailsNewestFirst = [outreach, thanks].sort((x, y) =>
      x.sentAt === y.sentAt ? (x.id < y.id ? 1 : -1) : x.sentAt! < y.sentAt! ? 1 : -1,
    );
    const expected = [
      { id: ahead.id, source: 'MEETING', meetingStatus: 'SCHEDULED', title: 'Visit', occurredAt: ahead.startsAt },
      { id: called.id, source: 'MEETING', meetingStatus: 'CANCELLED', title: 'Lunch', occurredAt: called.startsAt },
      ...emailsNewestFirst.map((e) => ({
        id: e.id,
        source: e.kind === 'OUTREACH' ? 'OUTREACH' : 'EMAIL',
        emailKind: e.kind,
        subject: e.subject,
        occurredAt: e.sentAt,
      })),
      { source: 'LOGGED', kind: 'CALL', note: 'Phone call', occurredAt: callAt },
      { id: held.id, source: 'MEETING', meetingStatus: 'COMPLETED', title: 'Coffee', occurredAt: held.startsAt },
      { source: 'LOGGED', kind: 'COFFEE', note: 'Coffee', occurredAt: coffeeAt },
    ];
    const whole = await timeline(user, grace.id, 50);
    expect(whole.entries).toEqual(expected.map((e) => expect.objectContaining(e)));
    expect(whole.totals).toEqual([7]);
    // The thank-you is about the held meeting; a meeting entry is its own meeting.
    expect(whole.entries.find((e) => e.id === thanks.id)?.meeting?.id).toBe(held.id);
    expect(whole.entries.find((e) => e.id === ahead.id)?.meeting?.id).toBe(ahead.id);
    expect(whole.entries.find((e) => e.source === 'LOGGED')?.meeting).toBeNull();

    // Page by page (across the union's branches) gives the same list, each entry once.
    for (const size of [1, 2, 3]) {
      const paged = await timeline(user, grace.id, size);
      expect(paged.entries.map((e) => e.id)).toEqual(whole.entries.map((e) => e.id));
      expect(new Set(paged.totals)).toEqual(new Set([7]));
    }
  });

  it('answers a page, at any depth, in one statement (and a bounded few around it)', async () => {
    const { user, grace } = story;
    const first = await user.ok(InteractionsDocument, { contactId: grace.id, first: 2 });
    const statements = await sql.during(() =>
      user.ok(InteractionsDocument, { contactId: grace.id, first: 2, after: first.interactions.pageInfo.endCursor }),
    );
    // The contact's lookup, the page, the count the client asked for, and the entries' meetings (batched).
    expect(statements).toHaveLength(4);
    expect(statements.filter((s) => /UNION ALL/.test(s))).toHaveLength(1);
  });

  it('is a field of Contact: a list of contacts reads every first page in one statement', async () => {
    const { user, grace, other } = story;
    const statements = await sql.during(async () => {
      const { contacts } = await user.ok(ContactTimelinesDocument, { first: 10, timeline: 3 });
      const byName = new Map(contacts.edges.map((e) => [e.node.firstName, e.node.interactions]));
      const whole = await timeline(user, grace.id, 50);
      expect(byName.get('Grace')?.edges.map((e) => e.node.id)).toEqual(whole.entries.slice(0, 3).map((e) => e.id));
      expect(byName.get('Grace')).toMatchObject({ totalCount: 7, pageInfo: { hasNextPage: true } });
      expect(byName.get('Other')?.edges.map((e) => [e.node.source, e.node.note ?? e.node.title])).toEqual([
        ['MEETING', 'Not Grace'],
        ['LOGGED', 'Not Grace'],
      ]);
      expect(byName.get('Other')).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: false } });
      // A later page of the field goes on from the first page's cursor.
      const more = await user.ok(InteractionsDocument, {
        contactId: grace.id,
        first: 10,
        after: byName.get('Grace')?.pageInfo.endCursor,
      });
      expect(more.interactions.edges.map((e) => e.node.id)).toEqual(whole.entries.slice(3).map((e) => e.id));
    });
    expect(other.id).toBeDefined();
    // The contacts page (2), then one statement for every timeline's first page and one for the counts.
    const timelineReads = statements.filter((s) => /CROSS JOIN LATERAL/.test(s) && /UNION ALL/.test(s));
    expect(timelineReads).toHaveLength(1);
  });

  it('refuses another user’s contact, a foreign cursor and an oversized page, naming the argument', async () => {
    const { grace } = story;
    const stranger = await signedInUser(app.url);
    const theirs = await stranger.run(InteractionsDocument, { contactId: grace.id, first: 5 });
    expect(errorOf(theirs).extensions).toMatchObject({ code: 'NOT_FOUND', fields: [{ field: 'contactId' }] });
    const { contacts } = await story.user.ok(ContactsDocument, { first: 1 });
    const foreign = await story.user.run(InteractionsDocument, {
      contactId: grace.id,
      first: 5,
      after: contacts.pageInfo.endCursor,
    });
    expect(errorOf(foreign).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'after' }] });
    const huge = await story.user.run(InteractionsDocument, { contactId: grace.id, first: 1000 });
    expect(errorOf(huge).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('caps logged interactions per contact with an error naming contactId', async () => {
    const user = await signedInUser(app.url);
    const { createContact: c } = await user.ok(CreateContactDocument, { input: { firstName: 'Busy' } });
    await app.infra.ds.query(
      `INSERT INTO interactions (user_id, contact_id, occurred_at) SELECT $1, $2, now() FROM generate_series(1, 5000)`,
      [user.user.id, c.id],
    );
    const refused = await user.run(LogInteractionDocument, { contactId: c.id, note: 'One more' });
    expect(errorOf(refused).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.contactId' }],
    });
    const [{ n }] = await app.infra.ds.query(`SELECT count(*)::int AS n FROM interactions WHERE contact_id = $1`, [
      c.id,
    ]);
    expect(n).toBe(5000);
  });
});
