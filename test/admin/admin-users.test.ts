import { EmailStatus } from '../../src/modules/emails/email-kind';
import { sendJobId } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { adminUser } from '../helpers/admin';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp';
import {
  AdminAuditLogDocument,
  AdminSetRoleDocument,
  AdminSuspendUserDocument,
  AdminUnsuspendUserDocument,
  AdminUsersDocument,
  CreateContactDocument,
  DeleteAccountDocument,
  LoginDocument,
  MeDocument,
  RequestMeetingDocument,
  UpdateProfileDocument,
} from '../generated/graphql';

let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
let admin: Awaited<ReturnType<typeof adminUser>>;
beforeAll(async () => {
  app = await startTestApp({ ACCESS_REVOCATION_POLL_MS: '100' });
  sink = await startSmtpSink();
  worker = await startEmailWorker(app, sink.url);
  admin = await adminUser(app);
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

const emailRows = (userId: string) =>
  app.infra.ds.query<{ id: string; kind: string; status: string; held_reason: string | null }[]>(
    'SELECT id, kind, status, held_reason FROM scheduled_emails WHERE user_id = $1 ORDER BY created_at',
    [userId],
  );

/**
 * A user whose outreach request went out (the window is the whole day), with its nudge planned
 * for a week later.
 */
async function userWithOutreach(): Promise<SignedInUser> {
  const user = await signedInUser(app.url, { timezone: 'UTC' });
  await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName: 'Grace', email: `grace-${user.user.id.slice(0, 8)}@example.test` },
  });
  await user.ok(RequestMeetingDocument, { contactId: createContact.id, message: 'Could we talk?' });
  await eventually(async () => {
    const rows = await emailRows(user.user.id);
    return rows.some((r) => r.kind === 'OUTREACH' && r.status === 'SENT') && rows;
  });
  return user;
}

it('lists accounts with their counts, searches, filters and pages', async () => {
  const user = await userWithOutreach();
  const { adminUsers } = await admin.ok(AdminUsersDocument, { first: 5, filter: { search: user.input.email } });
  expect(adminUsers.totalCount).toBe(1);
  expect(adminUsers.edges[0].node).toMatchObject({
    id: user.user.id,
    email: user.input.email,
    role: 'USER',
    suspendedAt: null,
    contactCount: 1,
    meetingCount: 0,
    emailCount: 2,
  });
  // Wildcards in the search are literal: "%" matches no address.
  expect((await admin.ok(AdminUsersDocument, { filter: { search: '%' } })).adminUsers.totalCount).toBe(0);
  const admins = (await admin.ok(AdminUsersDocument, { filter: { role: 'ADMIN' } })).adminUsers;
  expect(admins.edges.map((e) => e.node.id)).toEqual([admin.user.id]);
  // Keyset pages: one at a time, no row twice.
  const first = (await admin.ok(AdminUsersDocument, { first: 1 })).adminUsers;
  const second = (await admin.ok(AdminUsersDocument, { first: 1, after: first.pageInfo.endCursor })).adminUsers;
  expect(first.pageInfo.hasNextPage).toBe(true);
  expect(second.edges[0].node.id).not.toBe(first.edges[0].node.id);
  expect(errorOf(await admin.run(AdminUsersDocument, { first: 101 })).extensions?.code).toBe('BAD_USER_INPUT');
  expect(errorOf(await admin.run(AdminUsersDocument, { filter: { search: 'x'.repeat(201) } })).extensions?.code).toBe(
    'BAD_USER_INPUT',
  );
});

it('suspends: tokens stop working, pending mail is held, the user is told; unsuspending lets the mail go', async () => {
  const user = await userWithOutreach();
  const nudge = (await emailRows(user.user.id)).find((r) => r.kind === 'OUTREACH_NUDGE')!;
  const { adminSuspendUser } = await admin.ok(AdminSuspendUserDocument, { id: user.user.id, reason: 'spam reports' });
  expect(adminSuspendUser.suspendedAt).not.toBeNull();

  await eventually(async () => {
    const res = await execute(app.url, MeDocument, undefined, { token: user.token });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
  const rows = await emailRows(user.user.id);
  expect(rows).toEqual([
    expect.objectContaining({ kind: 'OUTREACH', status: 'SENT' }),
    { id: nudge.id, kind: 'OUTREACH_NUDGE', status: 'PENDING', held_reason: 'ACCOUNT_SUSPENDED' },
    expect.objectContaining({ kind: 'ACCOUNT_SUSPENDED' }),
  ]);
  // The notice, in Rapport's fixed wording, to the account's address.
  const notice = (await eventually(
    () => sink.messages.find((m) => m.envelope.to.includes(user.input.email)) ?? false,
  )) as ReceivedMail;
  expect(notice.parsed.subject).toBe('Your Rapport account is suspended');
  expect(notice.parsed.text).toContain('An administrator of Rapport has suspended the account');
  expect(notice.parsed.text).not.toContain('spam reports');
  expect(notice.parsed.text).toContain('held, not deleted');

  // Made due while suspended: its timer fires, and the worker leaves it held.
  await app.infra.ds.query(`UPDATE scheduled_emails SET send_at = now() WHERE id = $1`, [nudge.id]);
  const [{ send_at: dueAt }] = await app.infra.ds.query('SELECT send_at FROM scheduled_emails WHERE id = $1', [
    nudge.id,
  ]);
  await app.http.services.emailTimers.apply([{ id: nudge.id, status: EmailStatus.PENDING, sendAt: dueAt }]);
  await worker.waitProcessed(sendJobId(nudge.id, dueAt));
  const held = (await emailRows(user.user.id)).find((r) => r.id === nudge.id);
  expect(held).toMatchObject({ status: 'PENDING', held_reason: 'ACCOUNT_SUSPENDED' });
  expect(sink.messages.filter((m) => m.envelope.to.includes(user.input.email))).toHaveLength(1);

  const { adminUnsuspendUser } = await admin.ok(AdminUnsuspendUserDocument, { id: user.user.id });
  expect(adminUnsuspendUser.suspendedAt).toBeNull();
  const sent = await eventually(async () => {
    const [row] = await app.infra.ds.query('SELECT status, held_reason FROM scheduled_emails WHERE id = $1', [
      nudge.id,
    ]);
    return row.status === 'SENT' && row;
  });
  expect(sent).toEqual({ status: 'SENT', held_reason: null });
  const events = await app.infra.ds.query('SELECT event, detail FROM email_events WHERE scheduled_email_id = $1', [
    nudge.id,
  ]);
  expect(events.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['HELD', 'UNHELD', 'SENT']));
});

it('holds mail planned while suspended, whichever code plans it', async () => {
  const user = await signedInUser(app.url);
  await admin.ok(AdminSuspendUserDocument, { id: user.user.id, reason: 'abuse' });
  const [{ id }] = await app.infra.ds.query(
    `INSERT INTO scheduled_emails (user_id, kind, dedupe_key, to_email, subject, send_at, message_id)
     VALUES ($1, 'KEEP_IN_TOUCH_DIGEST', 'digest:x', $2, 'x', now(), '<' || gen_random_uuid() || '@x.test>') RETURNING id`,
    [user.user.id, user.input.email],
  );
  const [row] = await app.infra.ds.query('SELECT held_reason FROM scheduled_emails WHERE id = $1', [id]);
  expect(row.held_reason).toBe('ACCOUNT_SUSPENDED');
});

it('refuses to suspend oneself, a missing account or one already suspended, and needs a reason', async () => {
  const self = errorOf(await admin.run(AdminSuspendUserDocument, { id: admin.user.id, reason: 'x' }));
  expect(self.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'id' })] });
  const user = await signedInUser(app.url);
  const blank = errorOf(await admin.run(AdminSuspendUserDocument, { id: user.user.id, reason: '  ' }));
  expect(blank.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [expect.objectContaining({ field: 'input.reason' })],
  });
  const ghost = '00000000-0000-4000-8000-000000000000';
  expect(errorOf(await admin.run(AdminSuspendUserDocument, { id: ghost, reason: 'x' })).extensions?.code).toBe(
    'NOT_FOUND',
  );
  expect(errorOf(await admin.run(AdminSuspendUserDocument, { id: 'not-an-id', reason: 'x' })).extensions?.code).toBe(
    'NOT_FOUND',
  );
  await admin.ok(AdminSuspendUserDocument, { id: user.user.id, reason: 'x' });
  expect(errorOf(await admin.run(AdminSuspendUserDocument, { id: user.user.id, reason: 'x' })).extensions?.code).toBe(
    'CONFLICT',
  );
});

it('changes roles, but the last administrator cannot demote themselves', async () => {
  const lone = errorOf(await admin.run(AdminSetRoleDocument, { id: admin.user.id, role: 'USER' }));
  expect(lone.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [expect.objectContaining({ field: 'input.role' })],
  });
  const other = await signedInUser(app.url);
  expect((await admin.ok(AdminSetRoleDocument, { id: other.user.id, role: 'ADMIN' })).adminSetRole.role).toBe('ADMIN');
  // The promotion revokes the old token: the account signs in again to get the new role.
  await eventually(async () => {
    const res = await execute(app.url, MeDocument, undefined, { token: other.token });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
  expect((await admin.ok(AdminSetRoleDocument, { id: other.user.id, role: 'USER' })).adminSetRole.role).toBe('USER');
});

it('writes one audit entry per admin mutation, append-only, kept after the account is deleted', async () => {
  const user = await signedInUser(app.url);
  await admin.ok(AdminSuspendUserDocument, { id: user.user.id, reason: 'phishing links' });
  await admin.ok(AdminUnsuspendUserDocument, { id: user.user.id });
  // A refused mutation writes nothing.
  await admin.run(AdminUnsuspendUserDocument, { id: user.user.id });
  const { adminAuditLog } = await admin.ok(AdminAuditLogDocument, { first: 2 });
  expect(adminAuditLog.edges.map((e) => e.node)).toEqual([
    expect.objectContaining({
      action: 'adminUnsuspendUser',
      adminId: admin.user.id,
      adminEmail: admin.input.email,
      targetUserId: user.user.id,
      targetEmail: user.input.email,
      ip: expect.stringMatching(/127\.0\.0\.1/),
    }),
    expect.objectContaining({ action: 'adminSuspendUser', targetUserId: user.user.id }),
  ]);
  expect(JSON.parse(adminAuditLog.edges[1].node.details)).toEqual({ reason: 'phishing links' });

  await expect(app.infra.ds.query(`UPDATE admin_audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
  await expect(app.infra.ds.query(`DELETE FROM admin_audit_log`)).rejects.toThrow(/append-only/);

  // Suspension revoked the old token: sign in again to delete the account.
  const { login } = await user.ok(LoginDocument, { email: user.input.email, password: user.input.password });
  expect(
    (await execute(app.url, DeleteAccountDocument, { password: user.input.password }, { token: login.accessToken }))
      .data?.deleteAccount,
  ).toBe(true);
  const [{ n }] = await app.infra.ds.query('SELECT count(*)::int AS n FROM admin_audit_log WHERE target_user_id = $1', [
    user.user.id,
  ]);
  expect(n).toBe(2);
});
