import { Reconciler } from '../../src/modules/emails/reconciler';
import { SuppressionReason } from '../../src/modules/emails/email-suppression.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { adminUser } from '../helpers/admin';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { SqlCounter } from '../helpers/sql-counter';
import {
  AdminAuditLogDocument,
  AdminCancelScheduledEmailDocument,
  AdminLiftSuppressionDocument,
  AdminRetryScheduledEmailDocument,
  AdminScheduledEmailsDocument,
  AdminSuppressionsDocument,
  AdminUsersDocument,
  QueueHealthDocument,
  ScheduledEmailDocument,
} from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker | undefined;
let admin: Awaited<ReturnType<typeof adminUser>>;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp({}, { sql });
  sink = await startSmtpSink();
  admin = await adminUser(app);
  ada = await signedInUser(app.url, { timezone: 'UTC' });
});
afterAll(async () => {
  await worker?.close();
  await sink.close();
  await app.close();
});

const statusOf = async (id: string) =>
  (await app.infra.ds.query('SELECT status FROM scheduled_emails WHERE id = $1', [id]))[0].status as string;

it('answers queueHealth BROKEN without a worker or the reconciler’s scheduler, BEHIND when late, HEALTHY when not', async () => {
  const broken = (await admin.ok(QueueHealthDocument)).queueHealth;
  expect(broken).toMatchObject({ status: 'BROKEN', redisReachable: true, workersSeen: 0, reconcilerScheduled: false });
  expect(broken.queues.map((q) => q.name).sort()).toEqual(['emails', 'maintenance']);
  expect(broken.problems).toEqual(
    expect.arrayContaining(['no email worker seen in the last minute', 'the reconciler’s job scheduler is missing']),
  );

  await Reconciler.schedule(app.http.services.emailQueue, app.config);
  worker = await startEmailWorker(app, sink.url);
  // Overdue by two minutes, with no timer: the reconciler (not run here) would find it.
  const [late] = await insertDueOutreach(app.infra.ds, ada.user.id, {
    count: 1,
    tag: 'late',
    domain: 'example.test',
    dueSecondsAgo: 120,
  });
  const behind = (await admin.ok(QueueHealthDocument)).queueHealth;
  expect(behind).toMatchObject({ status: 'BEHIND', workersSeen: 1, reconcilerScheduled: true, overduePending: 1 });
  expect(behind.oldestOverdueSeconds).toBeGreaterThanOrEqual(120);

  // The overdue row is listed for administrators, with its history.
  const listed = (await admin.ok(AdminScheduledEmailsDocument, { filter: { overdue: true } })).adminScheduledEmails;
  expect(listed.edges.map((e) => e.node)).toEqual([
    expect.objectContaining({ id: late.id, status: 'PENDING', overdue: true, userId: ada.user.id }),
  ]);

  await app.http.services.emailTimers.requeue([{ id: late.id, sendAt: new Date(), attempts: 0 }]);
  await eventually(async () => (await statusOf(late.id)) === 'SENT');
  expect((await admin.ok(QueueHealthDocument)).queueHealth).toMatchObject({
    status: 'HEALTHY',
    problems: [],
    overduePending: 0,
    oldestOverdueSeconds: null,
  });
});

it('lists FAILED and UNCERTAIN emails across users with their SMTP reply and history, and retries them', async () => {
  worker ??= await startEmailWorker(app, sink.url);
  await sink.setMode('by-recipient');
  const bob = await signedInUser(app.url, { timezone: 'UTC' });
  const [failed] = await insertDueOutreach(app.infra.ds, bob.user.id, {
    count: 1,
    tag: 'policy-x',
    domain: 'example.test',
  });
  await app.http.services.emailTimers.requeue([{ id: failed.id, sendAt: new Date(), attempts: 0 }]);
  await eventually(async () => (await statusOf(failed.id)) === 'FAILED');
  const [uncertain] = await insertDueOutreach(app.infra.ds, ada.user.id, {
    count: 1,
    tag: 'u',
    domain: 'example.test',
  });
  await app.infra.ds.query(
    `UPDATE scheduled_emails SET status = 'UNCERTAIN', last_error = 'lease expired during SMTP', send_at = now() + interval '1 day' WHERE id = $1`,
    [uncertain.id],
  );
  await sink.setMode('accept');

  const { adminScheduledEmails: list } = await admin.ok(AdminScheduledEmailsDocument, { first: 10 });
  const byId = new Map(list.edges.map((e) => [e.node.id, e.node]));
  expect(byId.get(failed.id)).toMatchObject({
    status: 'FAILED',
    userId: bob.user.id,
    userEmail: bob.input.email,
    kind: 'OUTREACH',
    lastError: expect.stringContaining('554'),
  });
  expect(byId.get(failed.id)!.history.map((h) => h.event)).toEqual(['CLAIMED', 'FAILED']);
  expect(byId.get(uncertain.id)).toMatchObject({ status: 'UNCERTAIN' });
  const onlyBob = (await admin.ok(AdminScheduledEmailsDocument, { filter: { userId: bob.user.id } }))
    .adminScheduledEmails;
  expect(onlyBob.edges.map((e) => e.node.id)).toEqual([failed.id]);

  const { adminRetryScheduledEmail: retried } = await admin.ok(AdminRetryScheduledEmailDocument, { id: failed.id });
  expect(retried.id).toBe(failed.id);
  await eventually(async () => (await statusOf(failed.id)) === 'SENT');
  const events = await app.infra.ds.query('SELECT event, detail FROM email_events WHERE scheduled_email_id = $1', [
    failed.id,
  ]);
  expect(events).toContainEqual({ event: 'RETRIED', detail: 'by an administrator' });
  // A SENT email is never sent again.
  const again = errorOf(await admin.run(AdminRetryScheduledEmailDocument, { id: failed.id }));
  expect(again.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATUS', status: 'SENT' });

  // UNCERTAIN is retried only on an explicit request, as documented (it may arrive twice).
  expect((await admin.ok(AdminRetryScheduledEmailDocument, { id: uncertain.id })).adminRetryScheduledEmail.status).toBe(
    'PENDING',
  );
  const audit = (await admin.ok(AdminAuditLogDocument, { first: 2 })).adminAuditLog.edges.map((e) => e.node);
  expect(audit).toEqual([
    expect.objectContaining({ action: 'adminRetryScheduledEmail', targetId: uncertain.id, targetUserId: ada.user.id }),
    expect.objectContaining({ action: 'adminRetryScheduledEmail', targetId: failed.id, targetUserId: bob.user.id }),
  ]);
});

it('cancels a pending email of any user, and says NOT_FOUND for an id that names nothing', async () => {
  const [row] = await insertDueOutreach(app.infra.ds, ada.user.id, { count: 1, tag: 'c', domain: 'example.test' });
  await app.infra.ds.query(`UPDATE scheduled_emails SET send_at = now() + interval '1 day' WHERE id = $1`, [row.id]);
  const { adminCancelScheduledEmail } = await admin.ok(AdminCancelScheduledEmailDocument, { id: row.id });
  expect(adminCancelScheduledEmail).toMatchObject({ status: 'CANCELLED', cancelReason: 'BY_USER' });
  // The owner sees it cancelled, and who did it.
  const { scheduledEmail } = await ada.ok(ScheduledEmailDocument, { id: row.id });
  expect(scheduledEmail?.status).toBe('CANCELLED');
  for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
    expect(errorOf(await admin.run(AdminCancelScheduledEmailDocument, { id })).extensions?.code).toBe('NOT_FOUND');
  }
  const bad = errorOf(await admin.run(AdminScheduledEmailsDocument, { filter: { userId: 'nope' } }));
  expect(bad.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ field: 'filter.userId', message: expect.any(String) }],
  });
});

it('lists suppressions with reason and time, searches them, and lifts one', async () => {
  const { suppressions } = app.http.services;
  await suppressions.suppress('gone@bounce.test', SuppressionReason.HARD_BOUNCE, '550 5.1.1 No such user');
  await suppressions.suppress('optout@example.test', SuppressionReason.UNSUBSCRIBED, 'one-click');
  const found = (await admin.ok(AdminSuppressionsDocument, { search: 'bounce' })).adminSuppressions;
  expect(found.edges.map((e) => e.node)).toEqual([
    expect.objectContaining({ email: 'gone@bounce.test', reason: 'HARD_BOUNCE', detail: '550 5.1.1 No such user' }),
  ]);
  const page1 = (await admin.ok(AdminSuppressionsDocument, { first: 1 })).adminSuppressions;
  const page2 = (await admin.ok(AdminSuppressionsDocument, { first: 1, after: page1.pageInfo.endCursor }))
    .adminSuppressions;
  expect([page1.edges[0].node.email, page2.edges[0].node.email].sort()).toEqual([
    'gone@bounce.test',
    'optout@example.test',
  ]);
  expect((await admin.ok(AdminLiftSuppressionDocument, { email: ' Gone@Bounce.test ' })).adminLiftSuppression).toBe(
    true,
  );
  expect(await suppressions.isSuppressed('gone@bounce.test')).toBe(false);
  expect(errorOf(await admin.run(AdminLiftSuppressionDocument, { email: 'gone@bounce.test' })).extensions?.code).toBe(
    'NOT_FOUND',
  );
  const [entry] = (await admin.ok(AdminAuditLogDocument, { first: 1 })).adminAuditLog.edges.map((e) => e.node);
  expect(entry).toMatchObject({ action: 'adminLiftSuppression', targetEmail: 'gone@bounce.test' });
  expect(JSON.parse(entry.details)).toEqual({ reason: 'HARD_BOUNCE' });
});

it('reads a page of users with their counts, and a page of emails with their history, in a fixed number of statements', async () => {
  const count = async (run: () => Promise<unknown>) => (await sql.during(run)).length;
  const users = (first: number) => count(() => admin.ok(AdminUsersDocument, { first }));
  expect(await users(1)).toBe(await users(50));
  // The page (with its counts) and its totalCount.
  expect(await users(50)).toBe(2);
  const emails = (first: number) =>
    count(() =>
      admin.ok(AdminScheduledEmailsDocument, { first, filter: { statuses: ['SENT', 'FAILED', 'CANCELLED'] } }),
    );
  expect(await emails(1)).toBe(await emails(50));
  // The page, the history of its rows, and its totalCount.
  expect(await emails(50)).toBe(3);
});
