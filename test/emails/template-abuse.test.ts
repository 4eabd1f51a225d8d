import { randomUUID } from 'node:crypto';
import { EMAIL_JOB } from '../../src/modules/emails/email-queue';
import { verifyUnsubscribeToken } from '../../src/modules/emails/unsubscribe-token';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CreateContactDocument,
  PreviewEmailDocument,
  ScheduleMeetingDocument,
  ScheduledEmailDocument,
  UpdateEmailTemplateDocument,
  UpdateScheduledEmailDocument,
} from '../generated/graphql';

// What a user can do with templates must neither stall a process nor hand out another address's
// unsubscribe capability (docs/security.md, "Rendering limits" and "Unsubscribe tokens").
let app: TestApp;
let sink: SmtpSink;
beforeAll(async () => {
  app = await startTestApp({ REGISTRATIONS_PER_IP_PER_HOUR: '1000', PUBLIC_URL: 'https://rapport.example.test' });
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

/** A user with a contact and a meeting tomorrow whose notes are `notes`. */
async function fixture(notes: string | null = null) {
  const user = await signedInUser(app.url, { name: 'Ada Lovelace' });
  const { createContact: contact } = await user.ok(CreateContactDocument, {
    input: { firstName: 'Grace', email: `grace-${randomUUID().slice(0, 8)}@example.test` },
  });
  const startsAt = new Date(Date.now() + 86_400_000);
  const { scheduleMeeting: meeting } = await user.ok(ScheduleMeetingDocument, {
    input: {
      contactId: contact.id,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 1_800_000).toISOString(),
      notes,
    },
  });
  return { user, contact, meeting };
}

const statusOf = async (user: SignedInUser, id: string) =>
  (await user.ok(ScheduledEmailDocument, { id })).scheduledEmail!.status;
const secret = () => app.config.email.unsubscribeSecret;
/** Every unsubscribe token in `text` that the server would accept. */
const workingTokens = (text: string) =>
  [...text.matchAll(/\/unsubscribe\/([A-Za-z0-9_.-]+)/g)]
    .map((m) => m[1])
    .filter((t) => verifyUnsubscribeToken(t, secret()));

const setTemplate = (user: SignedInUser, kind: 'THANK_YOU' | 'OUTREACH', subject: string, body: string) =>
  user.run(UpdateEmailTemplateDocument, { input: { kind, subject, body } });

describe('rendering limits', () => {
  it('previews a template that repeats long runs of spaces, and refuses one that renders past the cap', async () => {
    // Each copy of the notes is a run of spaces that ends in a word, not a line break: the old
    // tidy regex retried the whole run from every space (minutes for this email).
    const notes = `start${' '.repeat(19_000)}end`;
    const { user, meeting } = await fixture(notes);
    expect((await setTemplate(user, 'THANK_YOU', 'Thanks', '{{meeting.notes}}\n'.repeat(12))).errors).toBeUndefined();
    const { previewEmail } = await user.ok(PreviewEmailDocument, { kind: 'THANK_YOU', meetingId: meeting.id });
    expect(previewEmail.text.startsWith(`${notes}\n${notes}\n`)).toBe(true);

    // 15 copies of 19 KB of notes: over the 256 KiB cap on a rendered body.
    expect((await setTemplate(user, 'THANK_YOU', 'Thanks', '{{meeting.notes}}\n'.repeat(15))).errors).toBeUndefined();
    const refused = errorOf(await user.run(PreviewEmailDocument, { kind: 'THANK_YOU', meetingId: meeting.id }));
    expect(refused.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'body', message: expect.stringMatching(/at most 262144 characters/) }],
    });

    // A subject is one header line: 998 characters at most once rendered.
    const wordy = await fixture('n'.repeat(2_000));
    expect((await setTemplate(wordy.user, 'THANK_YOU', 'x{{meeting.notes}}', 'Thanks')).errors).toBeUndefined();
    const long = errorOf(
      await wordy.user.run(PreviewEmailDocument, { kind: 'THANK_YOU', meetingId: wordy.meeting.id }),
    );
    expect(long.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'subject' }] });
  });
});

it('fails, without retrying, an email whose subject renders past the cap in the worker', async () => {
  const { user, contact } = await fixture();
  // Stored around the API: the message is only known at send time.
  await app.infra.ds.query(
    `INSERT INTO email_templates (user_id, kind, subject, body) VALUES ($1, 'OUTREACH', '{{message}}', 'unused')`,
    [user.user.id],
  );
  const [row] = await app.infra.ds.query(
    `INSERT INTO scheduled_emails (user_id, contact_id, kind, dedupe_key, to_email, to_name, subject, body_override, send_at, message_id)
     VALUES ($1, $2, 'OUTREACH', $3, $4, 'Grace', 'Hello', $5, now(), $6) RETURNING id, message_id`,
    [
      user.user.id,
      contact.id,
      `outreach:${randomUUID()}`,
      contact.email,
      'w'.repeat(1_200),
      `<${randomUUID()}@rapport.example.test>`,
    ],
  );
  const worker = await startEmailWorker(app, sink.url);
  try {
    // An unrecoverable job ends failed, not completed: wait for the row.
    await app.http.services.emailQueue.add(EMAIL_JOB.send, { scheduledEmailId: row.id }, { jobId: row.id });
    await eventually(async () => (await statusOf(user, row.id)) === 'FAILED' || Promise.reject(new Error('not yet')));
  } finally {
    await worker.close();
  }
  const { scheduledEmail } = await user.ok(ScheduledEmailDocument, { id: row.id });
  expect(scheduledEmail).toMatchObject({ status: 'FAILED', attempts: 1 });
  expect(scheduledEmail!.lastError).toMatch(/^render failed: must be at most 998 characters once rendered/);
  expect(sink.count(row.message_id)).toBe(0);
});

describe('unsubscribe tokens in what a user can read', () => {
  it('refuses {{unsubscribeUrl}} in a subject template and in a subject override', async () => {
    const { user } = await fixture();
    const template = errorOf(await setTemplate(user, 'THANK_YOU', 'Bye {{unsubscribeUrl}}', 'Thanks'));
    expect(template.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.subject' }] });

    const [row] = await app.infra.ds.query(
      `SELECT id FROM scheduled_emails WHERE user_id = $1 AND kind = 'THANK_YOU'`,
      [user.user.id],
    );
    const override = errorOf(
      await user.run(UpdateScheduledEmailDocument, { id: row.id, input: { subject: 'Bye {{unsubscribeUrl}}' } }),
    );
    expect(override.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.subject' }] });
  });

  it('shows a non-working link in planned subjects and previews, and sends a working one', async () => {
    const { user, contact, meeting } = await fixture();
    // A template stored before subjects were checked (or written around the API).
    await app.infra.ds.query(
      `INSERT INTO email_templates (user_id, kind, subject, body) VALUES
         ($1, 'THANK_YOU', 'Bye {{unsubscribeUrl}}', 'Thanks. {{unsubscribeUrl}}'),
         ($1, 'OUTREACH', 'Hello {{unsubscribeUrl}}', 'unused for outreach')`,
      [user.user.id],
    );
    const [thankYou] = await app.infra.ds.query(
      `SELECT id FROM scheduled_emails WHERE user_id = $1 AND kind = 'THANK_YOU'`,
      [user.user.id],
    );
    // Re-planning renders the subject that lists show.
    const { updateScheduledEmail } = await user.ok(UpdateScheduledEmailDocument, {
      id: thankYou.id,
      input: { sendAt: new Date(Date.now() + 2 * 86_400_000).toISOString() },
    });
    expect(updateScheduledEmail.subject).toContain('/unsubscribe/');
    expect(workingTokens(updateScheduledEmail.subject)).toEqual([]);

    const { previewEmail } = await user.ok(PreviewEmailDocument, { kind: 'THANK_YOU', meetingId: meeting.id });
    expect(previewEmail.text).toContain('/unsubscribe/');
    expect(workingTokens(`${previewEmail.subject} ${previewEmail.text} ${previewEmail.html}`)).toEqual([]);

    // The message itself carries the real link, in its body and its List-Unsubscribe header.
    const [outreach] = await app.infra.ds.query(
      `INSERT INTO scheduled_emails (user_id, contact_id, kind, dedupe_key, to_email, to_name, subject, body_override, send_at, message_id)
       VALUES ($1, $2, 'OUTREACH', $3, $4, 'Grace', 'Hello', 'Could we talk?', now(), $5) RETURNING id, message_id`,
      [user.user.id, contact.id, `outreach:${randomUUID()}`, contact.email, `<${randomUUID()}@rapport.example.test>`],
    );
    const worker = await startEmailWorker(app, sink.url);
    try {
      await app.http.services.emailQueue.add(EMAIL_JOB.send, { scheduledEmailId: outreach.id }, { jobId: outreach.id });
      await worker.waitProcessed(outreach.id);
    } finally {
      await worker.close();
    }
    const sent = sink.messages.find((m) => m.parsed.messageId === outreach.message_id)!;
    expect(workingTokens(sent.parsed.text ?? '')).toHaveLength(1);
    const headers = sent.raw.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ');
    const listUnsubscribe = /^List-Unsubscribe: (.*)$/m.exec(headers)![1];
    expect(workingTokens(listUnsubscribe)).toHaveLength(1);
    expect(workingTokens(sent.parsed.subject ?? '')).toEqual([]);
    const { scheduledEmail } = await user.ok(ScheduledEmailDocument, { id: outreach.id });
    expect(scheduledEmail).toMatchObject({ status: 'SENT' });
    expect(workingTokens(scheduledEmail!.subject)).toEqual([]);
  });
});
