import { DateTime } from 'luxon';
import { sendJobId } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CancelMeetingDocument,
  ContactDocument,
  CreateContactDocument,
  DeleteContactDocument,
  MarkNoShowDocument,
  MeetingEmailsDocument,
  RescheduleMeetingDocument,
  ScheduledEmailDocument,
  ScheduleMeetingDocument,
  SendScheduledEmailNowDocument,
  UpdateContactDocument,
  UpdateMeetingDocument,
  UpdateProfileDocument,
  UpdateScheduledEmailDocument,
  type ScheduleMeetingInput,
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

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A user whose emails go out at any hour with no delay, so tests see them at once. */
async function immediateUser() {
  const user = await signedInUser(app.url, { name: 'Ada Lovelace' });
  await user.ok(UpdateProfileDocument, {
    input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00', thankYouDelayMinutes: 0 },
  });
  return user;
}

async function meetingWith(
  user: SignedInUser,
  contact: { firstName: string; lastName?: string; email: string },
  input: Partial<ScheduleMeetingInput>,
) {
  const { createContact } = await user.ok(CreateContactDocument, { input: contact });
  const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, {
    // Many meetings per user here: overlaps are beside the point.
    input: {
      contactId: createContact.id,
      startsAt: inSeconds(-3600),
      endsAt: inSeconds(-1800),
      allowOverlap: true,
      ...input,
    },
  });
  return { contact: createContact, meeting: scheduleMeeting };
}

const emailsOf = async (user: SignedInUser, meetingId: string) =>
  (await user.ok(MeetingEmailsDocument, { id: meetingId })).meeting!.scheduledEmails;
const byMessageId = (id: string) => sink.messages.filter((m) => m.parsed.messageId === id);

describe('planning', () => {
  it('plans exactly one prep reminder, thank-you and follow-up at the right times, across a DST change', async () => {
    const user = await signedInUser(app.url, { timezone: 'Europe/London' });
    const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' }).toUTC().toISO();
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Grace', email: 'grace.plan@example.test' },
      {
        startsAt: london('2027-03-26T10:00')!,
        endsAt: london('2027-03-26T11:00')!,
      },
    );
    const planned = Object.fromEntries((await emailsOf(user, meeting.id)).map((e) => [e.kind, e]));
    expect(Object.keys(planned).sort()).toEqual(['FOLLOW_UP', 'PREP_REMINDER', 'THANK_YOU']);
    expect(planned.PREP_REMINDER).toMatchObject({
      sendAt: london('2027-03-25T10:00'),
      toEmail: user.input.email,
      status: 'PENDING',
    });
    expect(planned.THANK_YOU).toMatchObject({
      sendAt: london('2027-03-26T13:00'),
      toEmail: 'grace.plan@example.test',
      toName: 'Grace',
    });
    // Two weeks later in local time, after the clocks went forward.
    expect(planned.FOLLOW_UP.sendAt).toBe(london('2027-04-09T11:00'));
    expect(planned.THANK_YOU.subject).toBe('Thank you, Grace');
    expect(planned.THANK_YOU.messageId).toMatch(/^<[0-9a-f-]{36}@.+>$/);

    // Planning again (any edit re-plans) never creates a second row.
    await user.ok(UpdateMeetingDocument, { id: meeting.id, input: { notes: 'edited' } });
    expect(await emailsOf(user, meeting.id)).toHaveLength(3);
  });

  it('moves a thank-you that would fall after the sending window to the next morning', async () => {
    const user = await signedInUser(app.url, { timezone: 'Europe/Berlin' });
    const berlin = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' }).toUTC().toISO()!;
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Late', email: 'late@example.test' },
      {
        startsAt: berlin('2027-06-01T18:00'),
        endsAt: berlin('2027-06-01T19:00'),
      },
    );
    const thankYou = (await emailsOf(user, meeting.id)).find((e) => e.kind === 'THANK_YOU')!;
    expect(thankYou.sendAt).toBe(berlin('2027-06-02T08:00'));
  });

  it('moves every pending email when the meeting is rescheduled, and re-plans when settings change', async () => {
    const user = await signedInUser(app.url, { timezone: 'UTC' });
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Moved', email: 'moved@example.test' },
      {
        startsAt: '2027-05-03T10:00:00.000Z',
        endsAt: '2027-05-03T11:00:00.000Z',
      },
    );
    await user.ok(RescheduleMeetingDocument, {
      id: meeting.id,
      startsAt: '2027-05-10T09:00:00.000Z',
      endsAt: '2027-05-10T10:00:00.000Z',
    });
    const emails = await emailsOf(user, meeting.id);
    const after = Object.fromEntries(emails.filter((e) => e.status === 'PENDING').map((e) => [e.kind, e.sendAt]));
    // The reminder for the old time is withdrawn; the new one is a new email (a new Message-ID).
    expect(
      emails
        .filter((e) => e.kind === 'PREP_REMINDER')
        .map((e) => e.status)
        .sort(),
    ).toEqual(['CANCELLED', 'PENDING']);
    expect(after).toEqual({
      PREP_REMINDER: '2027-05-09T09:00:00.000Z',
      THANK_YOU: '2027-05-10T12:00:00.000Z',
      FOLLOW_UP: '2027-05-24T10:00:00.000Z',
    });
    await user.ok(UpdateProfileDocument, { input: { thankYouDelayMinutes: 30 } });
    const thankYou = (await emailsOf(user, meeting.id)).find((e) => e.kind === 'THANK_YOU')!;
    expect(thankYou.sendAt).toBe('2027-05-10T10:30:00.000Z');
    const { scheduledEmail } = await user.ok(ScheduledEmailDocument, { id: thankYou.id });
    expect(scheduledEmail?.history.map((h) => h.event)).toEqual(['PLANNED', 'MOVED', 'MOVED']);
  });

  it('skips the thank-you and follow-up when the meeting says so', async () => {
    const user = await signedInUser(app.url);
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Quiet', email: 'quiet@example.test' },
      {
        startsAt: '2027-05-03T10:00:00.000Z',
        endsAt: '2027-05-03T11:00:00.000Z',
        sendThankYou: false,
        sendFollowUp: false,
      },
    );
    expect((await emailsOf(user, meeting.id)).map((e) => e.kind)).toEqual(['PREP_REMINDER']);
  });

  it('keeps each pending timer small in Redis: its id, its delay to send_at and the row id, nothing else', async () => {
    const user = await signedInUser(app.url);
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Timer', email: 'timer@example.test' },
      { startsAt: '2027-06-01T10:00:00.000Z', endsAt: '2027-06-01T11:00:00.000Z' },
    );
    const emails = await emailsOf(user, meeting.id);
    expect(emails).toHaveLength(3);
    const queue = app.http.services.emailQueue;
    for (const e of emails) {
      const job = await queue.getJob(sendJobId(e.id, new Date(e.sendAt)));
      expect(job?.data).toEqual({ scheduledEmailId: e.id });
      // Fires at send_at: the delay is counted from when the job was added.
      expect(job!.timestamp + job!.delay).toBeGreaterThanOrEqual(new Date(e.sendAt).getTime());
      expect(job!.timestamp + job!.delay).toBeLessThanOrEqual(new Date(e.sendAt).getTime() + 50);
      // Every field short enough for Redis to store the hash as a compact listpack.
      expect(await app.infra.redis.call('OBJECT', 'ENCODING', queue.toKey(job!.id!))).toBe('listpack');
    }
  });
});

describe('delivery', () => {
  it('sends a thank-you soon after the meeting, with the right headers, both parts and escaped variables', async () => {
    const user = await immediateUser();
    const { contact, meeting } = await meetingWith(
      user,
      { firstName: 'Grace <b>', lastName: 'Hopper', email: 'grace.sent@example.test' },
      {},
    );
    const thankYou = (await emailsOf(user, meeting.id)).find((e) => e.kind === 'THANK_YOU')!;
    const [received] = await eventually(() => {
      const found = byMessageId(thankYou.messageId);
      if (!found.length) throw new Error('not yet');
      return found;
    });
    const { parsed, envelope } = received;
    expect(envelope.to).toEqual(['grace.sent@example.test']);
    expect(parsed.from?.value).toEqual([{ name: 'Ada Lovelace', address: app.config.mail.fromAddress }]);
    expect(parsed.replyTo?.value).toEqual([{ name: 'Ada Lovelace', address: user.input.email }]);
    const rawHeaders = received.raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
    expect(rawHeaders).toMatch(/^List-Unsubscribe: <mailto:[^>]+>, <https?:\/\/[^>]+\/unsubscribe\/[^>]+>$/m);
    expect(rawHeaders).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(parsed.text).toContain('Grace <b>');
    expect(parsed.html).toContain('Grace &lt;b&gt;');
    expect(parsed.html).not.toContain('Grace <b>');
    expect(parsed.html).toMatch(/unsubscribe/i);

    const { scheduledEmail } = await eventually(async () => {
      const res = await user.ok(ScheduledEmailDocument, { id: thankYou.id });
      if (res.scheduledEmail?.status !== 'SENT') throw new Error('not SENT yet');
      return res;
    });
    expect(scheduledEmail).toMatchObject({ status: 'SENT', attempts: 1, subject: parsed.subject });
    expect(scheduledEmail?.history.map((h) => h.event)).toEqual(['PLANNED', 'CLAIMED', 'SENT']);
    // An email to the contact restarts the keep-in-touch clock.
    const { contact: after } = await user.ok(ContactDocument, { id: contact.id });
    expect(after?.lastContactedAt).not.toBeNull();
  });

  it('sends at the new time after a reschedule, not the old one', async () => {
    const user = await immediateUser();
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Later', email: 'later.sent@example.test' },
      { endsAt: inSeconds(2) },
    );
    const before = (await emailsOf(user, meeting.id)).find((e) => e.kind === 'THANK_YOU')!;
    const newEnd = inSeconds(5);
    await user.ok(RescheduleMeetingDocument, { id: meeting.id, startsAt: inSeconds(-3600), endsAt: newEnd });
    // The old timer was removed; even if it fired, the row is not due then. Prove it by firing it.
    await app.http.services.emailQueue.add(
      'scheduled_email__send',
      { scheduledEmailId: before.id },
      { jobId: 'stale-' + before.id },
    );
    await worker.waitProcessed('stale-' + before.id);
    expect(byMessageId(before.messageId)).toHaveLength(0);

    await eventually(() => byMessageId(before.messageId).length === 1 || Promise.reject(new Error('not yet')), {
      timeoutMs: 15_000,
    });
    // The SMTP server has it a moment before the worker records SENT.
    const scheduledEmail = await eventually(async () => {
      const email = (await user.ok(ScheduledEmailDocument, { id: before.id })).scheduledEmail!;
      return email.status === 'SENT' ? email : Promise.reject(new Error(email.status));
    });
    expect(new Date(scheduledEmail.sentAt!).getTime()).toBeGreaterThanOrEqual(new Date(newEnd).getTime());
  });

  it('sends nothing for a cancelled or no-show meeting', async () => {
    const user = await immediateUser();
    const cancelled = await meetingWith(
      user,
      { firstName: 'Cancel', email: 'cancel.sent@example.test' },
      { endsAt: inSeconds(60) },
    );
    const noShow = await meetingWith(
      user,
      { firstName: 'Absent', email: 'absent.sent@example.test' },
      { endsAt: inSeconds(60) },
    );
    await user.ok(CancelMeetingDocument, { id: cancelled.meeting.id });
    await user.ok(MarkNoShowDocument, { id: noShow.meeting.id });
    for (const { meeting } of [cancelled, noShow]) {
      const emails = await emailsOf(user, meeting.id);
      expect(emails.map((e) => [e.kind, e.status]).sort()).toEqual([
        ['FOLLOW_UP', 'CANCELLED'],
        ['THANK_YOU', 'CANCELLED'],
      ]);
      // Their timers are gone, and firing one anyway sends nothing.
      for (const e of emails) {
        expect(await app.http.services.emailQueue.getJob(sendJobId(e.id, new Date(e.sendAt)))).toBeUndefined();
        await app.http.services.emailQueue.add(
          'scheduled_email__send',
          { scheduledEmailId: e.id },
          { jobId: 'forced-' + e.id },
        );
        await worker.waitProcessed('forced-' + e.id);
        expect(byMessageId(e.messageId)).toHaveLength(0);
      }
    }
  });

  it('sends the prep reminder with an .ics invitation, updates it when the meeting moves and withdraws it when it is cancelled', async () => {
    const user = await immediateUser();
    await user.ok(UpdateProfileDocument, { input: { prepReminderHoursBefore: 48 } });
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Invited', email: 'invited.sent@example.test' },
      {
        startsAt: inSeconds(24 * 3600),
        endsAt: inSeconds(24 * 3600 + 1800),
        agenda: [{ text: 'How did you start?' }],
      },
    );
    const reminder = (await emailsOf(user, meeting.id)).find((e) => e.kind === 'PREP_REMINDER')!;
    const [invite] = await eventually(() =>
      byMessageId(reminder.messageId).length ? byMessageId(reminder.messageId) : Promise.reject(new Error('not yet')),
    );
    expect(invite.envelope.to).toEqual([user.input.email]);
    expect(invite.parsed.text).toContain('How did you start?');
    const request = invite.parsed.attachments
      .find((a) => a.contentType.startsWith('text/calendar'))!
      .content.toString();
    expect(request).toMatch(/METHOD:REQUEST/);
    expect(request).toMatch(/SEQUENCE:0/);
    const uid = /UID:(.+)/.exec(request)![1].trim();
    await eventually(
      async () =>
        (await user.ok(ScheduledEmailDocument, { id: reminder.id })).scheduledEmail?.status === 'SENT' ||
        Promise.reject(new Error('not yet')),
    );

    // Moved after the invitation went out: an updated invitation at once, and a new reminder later.
    await user.ok(RescheduleMeetingDocument, {
      id: meeting.id,
      startsAt: inSeconds(72 * 3600),
      endsAt: inSeconds(72 * 3600 + 1800),
    });
    const moved = await emailsOf(user, meeting.id);
    const update = moved.find((e) => e.kind === 'MEETING_UPDATED')!;
    expect(
      moved
        .filter((e) => e.kind === 'PREP_REMINDER')
        .map((e) => e.status)
        .sort(),
    ).toEqual(['PENDING', 'SENT']);
    const [updated] = await eventually(() =>
      byMessageId(update.messageId).length ? byMessageId(update.messageId) : Promise.reject(new Error('not yet')),
    );
    const updatedIcs = updated.parsed.attachments
      .find((a) => a.contentType.startsWith('text/calendar'))!
      .content.toString();
    expect(updatedIcs).toMatch(/METHOD:REQUEST/);
    expect(updatedIcs).toMatch(/SEQUENCE:1/);
    expect(/UID:(.+)/.exec(updatedIcs)![1].trim()).toBe(uid);

    await user.ok(CancelMeetingDocument, { id: meeting.id, reason: 'Travelling' });
    const notice = (await emailsOf(user, meeting.id)).find((e) => e.kind === 'MEETING_CANCELLED')!;
    expect(notice.toEmail).toBe(user.input.email);
    const [cancel] = await eventually(() =>
      byMessageId(notice.messageId).length ? byMessageId(notice.messageId) : Promise.reject(new Error('not yet')),
    );
    const ics = cancel.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString();
    expect(ics).toMatch(/METHOD:CANCEL/);
    expect(ics).toMatch(/STATUS:CANCELLED/);
    expect(ics).toMatch(/SEQUENCE:2/);
    expect(/UID:(.+)/.exec(ics)![1].trim()).toBe(uid);
  });

  it('sends the edited subject and body, on demand', async () => {
    const user = await immediateUser();
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Edited', email: 'edited.sent@example.test' },
      { endsAt: inSeconds(3600) },
    );
    const thankYou = (await emailsOf(user, meeting.id)).find((e) => e.kind === 'THANK_YOU')!;
    const { updateScheduledEmail } = await user.ok(UpdateScheduledEmailDocument, {
      id: thankYou.id,
      input: { subject: 'Thanks, {{contact.firstName}}!', body: 'Dear {{contact.firstName}},\n\nThat was <great>.' },
    });
    expect(updateScheduledEmail.subject).toBe('Thanks, Edited!');
    await user.ok(SendScheduledEmailNowDocument, { id: thankYou.id });
    const [received] = await eventually(() =>
      byMessageId(thankYou.messageId).length ? byMessageId(thankYou.messageId) : Promise.reject(new Error('not yet')),
    );
    expect(received.parsed.subject).toBe('Thanks, Edited!');
    expect(received.parsed.text).toContain('That was <great>.');
    expect(received.parsed.html).toContain('That was &lt;great&gt;.');
  });

  it('refuses header injection and template code in edits, naming the field', async () => {
    const user = await immediateUser();
    const { meeting } = await meetingWith(
      user,
      { firstName: 'Safe', email: 'safe.sent@example.test' },
      { endsAt: inSeconds(3600) },
    );
    const thankYou = (await emailsOf(user, meeting.id)).find((e) => e.kind === 'THANK_YOU')!;
    const injected = await user.run(UpdateScheduledEmailDocument, {
      id: thankYou.id,
      input: { subject: 'Hi\r\nBcc: victim@example.test' },
    });
    expect(errorOf(injected).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.subject' }],
    });
    const code = await user.run(UpdateScheduledEmailDocument, {
      id: thankYou.id,
      input: { body: '{{{contact.firstName}}}' },
    });
    expect(errorOf(code).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.body' }] });
    const name = await user.run(CreateContactDocument, { input: { firstName: 'Eve\r\nBcc: x@example.test' } });
    expect(errorOf(name).extensions).toMatchObject({ fields: [{ field: 'input.firstName' }] });
  });

  it('cancels pending emails to a contact who opts out or is deleted', async () => {
    const user = await immediateUser();
    const optOut = await meetingWith(
      user,
      { firstName: 'Out', email: 'out.sent@example.test' },
      { endsAt: inSeconds(3600) },
    );
    const deleted = await meetingWith(
      user,
      { firstName: 'Gone', email: 'gone.sent@example.test' },
      { endsAt: inSeconds(3600) },
    );
    await user.ok(UpdateContactDocument, { id: optOut.contact.id, input: { emailOptOut: true } });
    await user.ok(UpdateContactDocument, { id: deleted.contact.id, input: { notes: 'about to go' } });
    await user.ok(DeleteContactDocument, { id: deleted.contact.id });
    for (const { meeting } of [optOut, deleted]) {
      const statuses = (await emailsOf(user, meeting.id)).map((e) => e.status);
      expect(statuses).toEqual(['CANCELLED', 'CANCELLED']);
    }
  });
});
