import { randomUUID } from 'node:crypto';
import { AccountTokenPurpose } from '../../src/modules/auth/account-token.entity';
import { mintAccountToken } from '../../src/modules/auth/account-tokens';
import { CONTACT_FACING, EmailKind } from '../../src/modules/emails/email-kind';
import { sendJobId } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { unverifiedUser, type SignedInUser } from '../helpers/factories';
import { ok, execute } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CreateContactDocument,
  RequestMeetingDocument,
  ScheduledEmailsDocument,
  UpdateProfileDocument,
  VerifyEmailDocument,
} from '../generated/graphql';

// Registering with someone else's address must not let anyone mail strangers in its name: an
// account whose address is not verified sends nothing to its contacts.

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

it('does not send the outreach of an account whose address is not verified', async () => {
  const user = await unverifiedUser(app, { timezone: 'UTC' });
  await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
  const to = `grace-${randomUUID().slice(0, 8)}@example.test`;
  const { createContact } = await user.ok(CreateContactDocument, { input: { firstName: 'Grace', email: to } });
  await user.ok(RequestMeetingDocument, { contactId: createContact.id, message: 'Could we talk?' });
  const [row] = (
    await user.ok(ScheduledEmailsDocument, { filter: { kinds: ['OUTREACH'] }, first: 5 })
  ).scheduledEmails.edges.map((e) => e.node);

  // Its timer fired and the worker looked at it: it stays PENDING, and nothing reached the contact.
  await worker.waitProcessed(sendJobId(row.id, new Date(row.sendAt)));
  const [after] = await app.infra.ds.query<{ status: string }[]>('SELECT status FROM scheduled_emails WHERE id = $1', [
    row.id,
  ]);
  expect(after.status).toBe('PENDING');
  expect(sink.messages.filter((m) => m.envelope.to.includes(to))).toEqual([]);
});

async function outreachOf(user: SignedInUser, window: { start: string; end: string }) {
  await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: window.start, sendingWindowEnd: window.end } });
  const to = `grace-${randomUUID().slice(0, 8)}@example.test`;
  const { createContact } = await user.ok(CreateContactDocument, { input: { firstName: 'Grace', email: to } });
  await user.ok(RequestMeetingDocument, { contactId: createContact.id, message: 'Could we talk?' });
  const [row] = (
    await user.ok(ScheduledEmailsDocument, { filter: { kinds: ['OUTREACH'] }, first: 5 })
  ).scheduledEmails.edges.map((e) => e.node);
  return { id: row.id, to };
}

async function verifyThroughApi(user: SignedInUser) {
  const { token } = await mintAccountToken(app.infra.ds.manager, {
    userId: user.user.id,
    purpose: AccountTokenPurpose.VERIFY_EMAIL,
    email: user.input.email,
  });
  ok(await execute(app.url, VerifyEmailDocument, { token }));
}

it('sends held mail whose time has passed at the next opening of the sending window, not at once', async () => {
  const user = await unverifiedUser(app, { timezone: 'UTC' });
  // A one-hour window starting two hours from now (UTC): now is outside it.
  const startHour = (new Date().getUTCHours() + 2) % 24;
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const { id } = await outreachOf(user, { start: hh(startHour), end: hh(startHour + 1) });
  // Held for days: its planned time is long gone.
  await app.infra.ds.query(`UPDATE scheduled_emails SET send_at = now() - interval '3 days' WHERE id = $1`, [id]);

  await verifyThroughApi(user);
  const [row] = await app.infra.ds.query<{ send_at: Date; held_reason: string | null; status: string }[]>(
    'SELECT send_at, held_reason, status FROM scheduled_emails WHERE id = $1',
    [id],
  );
  expect(row).toMatchObject({ held_reason: null, status: 'PENDING' });
  expect(row.send_at.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
  expect(row.send_at.getUTCHours()).toBe(startHour);
  expect(row.send_at.getUTCMinutes()).toBe(0);
});

it('releases a hold that raced the verification at the next reconcile', async () => {
  const user = await unverifiedUser(app, { timezone: 'UTC' });
  const { id, to } = await outreachOf(user, { start: '00:00', end: '24:00' });
  // Verified by a transaction that could not see the row being planned: the row kept its hold.
  await app.infra.ds.query('UPDATE users SET email_verified_at = now() WHERE id = $1', [user.user.id]);
  expect((await worker.reconciler.sweep()).requeued).toBe(0);
  await eventually(() => sink.messages.some((m) => m.envelope.to.includes(to)));
  // The sink has the message a moment before the worker records it SENT.
  const row = await eventually(async () => {
    const [r] = await app.infra.ds.query<{ status: string; held_reason: string | null }[]>(
      'SELECT status, held_reason FROM scheduled_emails WHERE id = $1',
      [id],
    );
    return r.status === 'SENT' ? r : Promise.reject(new Error(`still ${r.status}`));
  });
  expect(row).toEqual({ status: 'SENT', held_reason: null });
});

it('holds exactly the contact-facing kinds: the hold trigger and CONTACT_FACING agree', async () => {
  const user = await unverifiedUser(app);
  // A row of every kind, straight into the outbox (far in the future: no timer fires), as each
  // planning path would write it.
  const held: { kind: EmailKind; held_reason: string | null }[] = await app.infra.ds.query(
    `INSERT INTO scheduled_emails (user_id, kind, dedupe_key, to_email, subject, send_at, message_id)
     SELECT $1, k::email_kind, 'kinds:' || k, 'someone@example.test', 'Hello', now() + interval '30 days',
            '<' || gen_random_uuid() || '@kinds.example.test>'
     FROM unnest($2::text[]) k
     RETURNING kind, held_reason`,
    [user.user.id, Object.values(EmailKind)],
  );
  expect(held).toHaveLength(Object.values(EmailKind).length);
  for (const row of held)
    expect([row.kind, row.held_reason]).toEqual([row.kind, CONTACT_FACING.has(row.kind) ? 'EMAIL_NOT_VERIFIED' : null]);
});
