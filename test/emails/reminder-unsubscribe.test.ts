import { verifyUnsubscribeToken } from '../../src/modules/emails/unsubscribe-token';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CreateContactDocument,
  MeetingEmailsDocument,
  ScheduledEmailDocument,
  ScheduleMeetingDocument,
  UpdateProfileDocument,
} from '../generated/graphql';

// Every email Rapport sends can be refused: someone who registered with another person's address
// must not be able to keep mailing them reminders. The reminder carries a working unsubscribe,
// and once that address is suppressed, no reminder reaches it.

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

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const byMessageId = (id: string) => sink.messages.filter((m) => m.parsed.messageId === id);

/** A meeting tomorrow whose prep reminder (48 hours before) is due at once; nothing else is planned. */
async function prepReminderOf(user: SignedInUser, firstName: string) {
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName, email: `${firstName.toLowerCase()}.${user.user.id.slice(0, 8)}@example.test` },
  });
  const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, {
    input: {
      contactId: createContact.id,
      startsAt: inSeconds(24 * 3600),
      endsAt: inSeconds(24 * 3600 + 1800),
      allowOverlap: true,
      sendThankYou: false,
      sendFollowUp: false,
    },
  });
  const emails = (await user.ok(MeetingEmailsDocument, { id: scheduleMeeting.id })).meeting!.scheduledEmails;
  return emails.find((e) => e.kind === 'PREP_REMINDER')!;
}

async function finalStatus(user: SignedInUser, id: string) {
  return eventually(async () => {
    const { scheduledEmail } = await user.ok(ScheduledEmailDocument, { id });
    const status = scheduledEmail?.status;
    return (
      (status && status !== 'PENDING' && status !== 'SENDING' && scheduledEmail) || Promise.reject(new Error('not yet'))
    );
  });
}

it("a reminder carries a working unsubscribe for the user's address, and once used no reminder arrives", async () => {
  const user = await signedInUser(app.url, { name: 'Mallory' });
  await user.ok(UpdateProfileDocument, {
    input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00', prepReminderHoursBefore: 48 },
  });
  const first = await prepReminderOf(user, 'Grace');
  const [received] = await eventually(() =>
    byMessageId(first.messageId).length ? byMessageId(first.messageId) : Promise.reject(new Error('not yet')),
  );
  expect(received.envelope.to).toEqual([user.input.email]);
  const rawHeaders = received.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  expect(rawHeaders).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  const token = /^List-Unsubscribe: <mailto:[^>]+>, <https?:\/\/[^>]+\/unsubscribe\/([^>]+)>$/m.exec(rawHeaders)?.[1];
  expect(token).toBeDefined();
  expect(verifyUnsubscribeToken(token!, app.config.email.unsubscribeSecret)).toBe(user.input.email.toLowerCase());
  // The footer links to the same page, in both parts.
  expect(received.parsed.text).toContain(`/unsubscribe/${token}`);
  expect(received.parsed.html).toContain(`/unsubscribe/${token}`);
  expect((await finalStatus(user, first.id)).status).toBe('SENT');

  // The address's owner refuses everything, through the real route.
  const res = await fetch(`${app.url}/unsubscribe/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(res.status).toBe(200);

  const second = await prepReminderOf(user, 'Alan');
  const after = await finalStatus(user, second.id);
  expect(after.status).toBe('SUPPRESSED');
  expect(after.history.map((h) => [h.event, h.detail])).toContainEqual(['SUPPRESSED', 'UNSUBSCRIBED']);
  expect(byMessageId(second.messageId)).toEqual([]);
});
