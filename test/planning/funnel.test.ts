import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';
import { FunnelDocument, type FunnelQuery } from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;
let bob: SignedInUser;

// The window: June 2026, [from, to).
const FROM = '2026-06-01T00:00:00.000Z';
const TO = '2026-07-01T00:00:00.000Z';
const IN = '2026-06-15T12:00:00Z';
const BEFORE = '2026-05-31T23:59:59Z';

const q = (text: string, params: unknown[]) => app.infra.ds.query(text, params);

async function contact(
  userId: string,
  createdAt: string,
  extra: { referral?: 'debrief' | 'manual'; meetingId?: string } = {},
) {
  const [row] = await q(
    `INSERT INTO contacts (user_id, first_name, created_at, how_we_know, source_meeting_id)
     VALUES ($1, 'Person', $2, $3, $4) RETURNING id`,
    [userId, createdAt, extra.referral ? 'REFERRAL' : 'OTHER', extra.referral === 'debrief' ? extra.meetingId : null],
  );
  return row.id as string;
}

async function meeting(userId: string, startsAt: string, status: string) {
  const [row] = await q(
    `INSERT INTO meetings (user_id, contact_name, title, starts_at, ends_at, timezone, status)
     VALUES ($1, 'Person', 'Meeting', $2, $2::timestamptz + interval '1 hour', 'UTC', $3) RETURNING id`,
    [userId, startsAt, status],
  );
  return row.id as string;
}

async function email(userId: string, kind: string, status: string, createdAt: string, sentAt: string | null = null) {
  await q(
    `INSERT INTO scheduled_emails (user_id, kind, dedupe_key, to_email, to_name, subject, send_at, status, sent_at, message_id, created_at)
     VALUES ($1, $2, $3, 'x@example.test', 'X', 'Hello', $4, $5, $6, $7, $4)`,
    [userId, kind, randomUUID(), createdAt, status, sentAt, `<${randomUUID()}@example.test>`],
  );
}

/** A job lead and the statuses it went through, each with its time (the first is its creation). */
async function jobLead(userId: string, meetingId: string, steps: [string, string][]) {
  await q(
    `INSERT INTO job_leads (user_id, meeting_id, title, created_at, status, status_changed_at, status_history)
     VALUES ($1, $2, 'Analyst', $3, $4, $5, $6)`,
    [
      userId,
      meetingId,
      steps[0][1],
      steps[steps.length - 1][0],
      steps[steps.length - 1][1],
      JSON.stringify(steps.map(([status, at]) => ({ status, at }))),
    ],
  );
}

/** A month of Ada's search, counted by hand in the comments; and Bob's, which must not show. */
async function fixture(userId: string) {
  // Meetings held: 3 COMPLETED in June. Not: SCHEDULED, CANCELLED, NO_SHOW in June, COMPLETED in May.
  const held = await meeting(userId, IN, 'COMPLETED');
  await meeting(userId, FROM, 'COMPLETED'); // on the window's first instant: in
  await meeting(userId, '2026-06-30T23:00:00Z', 'COMPLETED');
  await meeting(userId, IN, 'SCHEDULED');
  await meeting(userId, IN, 'CANCELLED');
  await meeting(userId, IN, 'NO_SHOW');
  const may = await meeting(userId, BEFORE, 'COMPLETED');

  // Contacts added: 6 in June (2 of them referrals). Not: one in May, one at `to` exactly.
  await contact(userId, FROM);
  await contact(userId, IN);
  await contact(userId, IN);
  await contact(userId, IN);
  await contact(userId, IN, { referral: 'debrief', meetingId: held });
  await contact(userId, IN, { referral: 'manual' });
  await contact(userId, BEFORE, { referral: 'debrief', meetingId: may });
  await contact(userId, TO);

  // Outreach requests: 3 made in June (sent, waiting, uncertain). Not: cancelled, suppressed, failed, or in May.
  await email(userId, 'OUTREACH', 'SENT', IN, IN);
  await email(userId, 'OUTREACH', 'PENDING', IN);
  await email(userId, 'OUTREACH', 'UNCERTAIN', IN);
  await email(userId, 'OUTREACH', 'CANCELLED', IN);
  await email(userId, 'OUTREACH', 'SUPPRESSED', IN);
  await email(userId, 'OUTREACH', 'FAILED', IN);
  await email(userId, 'OUTREACH', 'SENT', BEFORE, BEFORE);

  // Thank-yous sent: 2 sent in June (one planned in May). Not: pending, cancelled, sent in May, or a follow-up.
  await email(userId, 'THANK_YOU', 'SENT', IN, IN);
  await email(userId, 'THANK_YOU', 'SENT', BEFORE, IN);
  await email(userId, 'THANK_YOU', 'PENDING', IN);
  await email(userId, 'THANK_YOU', 'CANCELLED', IN);
  await email(userId, 'THANK_YOU', 'SENT', BEFORE, BEFORE);
  await email(userId, 'FOLLOW_UP', 'SENT', IN, IN);

  // Job leads: 2 recorded in June; not one in July, nor one in May.
  // Applications: 2 in June (one lead applied to in June, and the May lead applied to in June,
  // then moved back to INTERESTED: it was still an application). Not: the one applied to in July.
  await jobLead(userId, held, [
    ['INTERESTED', IN],
    ['APPLIED', IN],
  ]);
  await jobLead(userId, may, [['INTERESTED', IN]]);
  await jobLead(userId, held, [['APPLIED', TO]]);
  await jobLead(userId, may, [
    ['INTERESTED', BEFORE],
    ['APPLIED', IN],
    ['INTERVIEWING', IN],
    ['INTERESTED', IN],
  ]);
}

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  bob = await signedInUser(app.url);
  await fixture(ada.user.id);
  await fixture(bob.user.id);
  // Bob's extra June contacts: Ada's counts must not move.
  for (let i = 0; i < 3; i++) await contact(bob.user.id, IN);
});
afterAll(() => app.close());

it('counts each step exactly over the window, with rates from the step before, in one statement', async () => {
  let funnel: FunnelQuery['funnel'] | undefined;
  const statements = await sql.during(async () => {
    funnel = (await ada.ok(FunnelDocument, { from: FROM, to: TO })).funnel;
  });
  expect(funnel).toEqual({
    from: FROM,
    to: TO,
    steps: [
      { step: 'CONTACTS_ADDED', count: 6, conversionRate: null },
      { step: 'OUTREACH_REQUESTS', count: 3, conversionRate: 0.5 },
      { step: 'MEETINGS_HELD', count: 3, conversionRate: 1 },
      { step: 'THANK_YOUS_SENT', count: 2, conversionRate: 0.6667 },
      { step: 'REFERRALS', count: 2, conversionRate: 1 },
      { step: 'JOB_LEADS', count: 2, conversionRate: 1 },
      { step: 'APPLICATIONS', count: 2, conversionRate: 1 },
    ],
  });
  expect(statements).toHaveLength(1);
  const bobs = (await bob.ok(FunnelDocument, { from: FROM, to: TO })).funnel;
  expect(bobs.steps[0]).toEqual({ step: 'CONTACTS_ADDED', count: 9, conversionRate: null });
});

it('answers any window, and null rates after an empty step', async () => {
  const may = (await ada.ok(FunnelDocument, { from: '2026-05-01T00:00:00Z', to: FROM })).funnel;
  expect(may.steps.map((s) => [s.step, s.count, s.conversionRate])).toEqual([
    ['CONTACTS_ADDED', 1, null],
    ['OUTREACH_REQUESTS', 1, 1],
    ['MEETINGS_HELD', 1, 1],
    ['THANK_YOUS_SENT', 1, 1],
    ['REFERRALS', 1, 1],
    ['JOB_LEADS', 1, 1],
    ['APPLICATIONS', 0, 0],
  ]);
  const year = (await ada.ok(FunnelDocument, { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).funnel;
  expect(year.steps.map((s) => s.count)).toEqual([8, 4, 4, 3, 3, 4, 3]);
});

it('refuses a window that ends before it starts, and anonymous callers', async () => {
  const backwards = await ada.run(FunnelDocument, { from: TO, to: FROM });
  expect(errorOf(backwards).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'to' }] });
  const empty = await ada.run(FunnelDocument, { from: FROM, to: FROM });
  expect(errorOf(empty).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'to' }] });
  const anonymous = await execute(app.url, FunnelDocument, { from: FROM, to: TO });
  expect(errorOf(anonymous).extensions?.code).toBe('UNAUTHENTICATED');
});
