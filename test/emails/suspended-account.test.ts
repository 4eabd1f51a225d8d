import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CreateContactDocument,
  RequestMeetingDocument,
  ScheduledEmailsDocument,
  UpdateProfileDocument,
} from '../generated/graphql';

// Nothing goes out in the name of a suspended account: not its reminders, and not the mail it
// planned to its contacts before it was suspended.

let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker | undefined;
beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink();
});
afterAll(async () => {
  await worker?.close();
  await sink.close();
  await app.close();
});

it('cancels an outreach email planned before the account was suspended', async () => {
  const user = await signedInUser(app.url, { timezone: 'UTC' });
  await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName: 'Grace', email: 'grace.suspended@example.test' },
  });
  await user.ok(RequestMeetingDocument, { contactId: createContact.id, message: 'Could we talk?' });
  const [{ id, kind, status }] = (
    await user.ok(ScheduledEmailsDocument, { filter: { kinds: ['OUTREACH'] }, first: 5 })
  ).scheduledEmails.edges.map((e) => e.node);
  expect({ kind, status }).toEqual({ kind: 'OUTREACH', status: 'PENDING' });

  // Suspended while the email waits for its timer (no worker runs yet).
  await app.infra.ds.query('UPDATE users SET suspended_at = now() WHERE id = $1', [user.user.id]);
  worker = await startEmailWorker(app, sink.url);
  const row = await eventually(async () => {
    const [r] = await app.infra.ds.query<{ status: string; cancel_reason: string }[]>(
      'SELECT status, cancel_reason FROM scheduled_emails WHERE id = $1',
      [id],
    );
    return r.status !== 'PENDING' && r.status !== 'SENDING' && r;
  });
  expect(row).toEqual({ status: 'CANCELLED', cancel_reason: 'ACCOUNT_SUSPENDED' });
  expect(sink.messages).toEqual([]);
});
