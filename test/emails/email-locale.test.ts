import { EmailKind as Kind } from '../../src/modules/emails/email-kind';
import { MEETING_KINDS } from '../../src/modules/emails/email-preview';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { registerInput, signedInUser, unverifiedUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CreateContactDocument,
  MeetingEmailsDocument,
  MyLocaleDocument,
  PreviewAnyEmailDocument,
  RegisterDocument,
  ScheduleMeetingDocument,
  SendScheduledEmailNowDocument,
  UpdateLocaleDocument,
  UpdateProfileDocument,
  VerifyEmailDocument,
  type EmailKind,
} from '../generated/graphql';

let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
beforeAll(async () => {
  app = await startTestApp({ REGISTRATIONS_PER_IP_PER_HOUR: '1000' });
  sink = await startSmtpSink();
  worker = await startEmailWorker(app, sink.url);
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

// 14:00 UTC on Wednesday 16 January 2030 is 15:00 in Berlin.
const STARTS_AT = '2030-01-16T14:00:00.000Z';
const ENDS_AT = '2030-01-16T14:45:00.000Z';
const ZONE = 'Europe/Berlin';

// Whole dates as each locale writes them: the parts ICU versions agree on (names, order,
// punctuation), with any digits where the date is relative to now.
const EN_DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const EN_MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';
const DE_DAYS = 'Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag';
const DE_MONTHS = 'Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember';
const DATE = {
  'en-US': new RegExp(`\\b(?:${EN_DAYS}), (?:${EN_MONTHS}) \\d{1,2}, \\d{4}\\b`),
  'de-DE': new RegExp(`\\b(?:${DE_DAYS}), \\d{1,2}\\. (?:${DE_MONTHS}) \\d{4}\\b`),
  'en-GB': new RegExp(`\\b(?:${EN_DAYS}) \\d{1,2} (?:${EN_MONTHS}) \\d{4}\\b`),
} as const;
type Locale = keyof typeof DATE;
/** The meeting's own date and start, per locale (en-US's space before PM differs between ICU versions). */
const MEETING = {
  'en-US': { date: 'Wednesday, January 16, 2030', time: /\b3:00\sPM\b/u },
  'de-DE': { date: 'Mittwoch, 16. Januar 2030', time: /\b15:00\b/ },
  'en-GB': { date: 'Wednesday 16 January 2030', time: /\b15:00\b/ },
} as const;

/** Kinds whose default wording shows a date: the meeting kinds, the digests and the outreach nudge. */
const DATED = new Set<string>([...MEETING_KINDS, Kind.KEEP_IN_TOUCH_DIGEST, Kind.WEEKLY_DIGEST, Kind.OUTREACH_NUDGE]);
/** Kinds whose default wording shows a time of day. */
const TIMED = new Set<string>([Kind.PREP_REMINDER, Kind.MEETING_CANCELLED, Kind.MEETING_UPDATED]);

async function userIn(locale: Locale) {
  // en-GB users leave it out: the default.
  const chosen = locale === 'en-GB' ? {} : { locale };
  const user = await signedInUser(app.url, { timezone: ZONE, name: 'Lena Locale', ...chosen });
  await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
  const { createContact: contact } = await user.ok(CreateContactDocument, {
    input: {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: `grace-${locale.toLowerCase()}-${Date.now()}@example.test`,
    },
  });
  const { scheduleMeeting: meeting } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId: contact.id, startsAt: STARTS_AT, endsAt: ENDS_AT, allowOverlap: true },
  });
  return { user, contact, meeting };
}

describe('User.locale', () => {
  it('is en-GB unless chosen, and register and updateProfile store it in canonical form', async () => {
    const plain = await signedInUser(app.url);
    expect((await plain.ok(MyLocaleDocument)).me!.locale).toBe('en-GB');
    const german = await signedInUser(app.url, { locale: 'de-de' });
    expect((await german.ok(MyLocaleDocument)).me!.locale).toBe('de-DE');
    expect((await plain.ok(UpdateLocaleDocument, { input: { locale: 'EN-us' } })).updateProfile.locale).toBe('en-US');
    expect((await plain.ok(UpdateLocaleDocument, { input: { locale: 'fr-CA' } })).updateProfile.locale).toBe('fr-CA');
    // Another setting leaves it alone.
    expect((await plain.ok(UpdateLocaleDocument, { input: { name: 'Renamed' } })).updateProfile.locale).toBe('fr-CA');
  });

  it('refuses a tag Intl cannot format, a malformed one, extensions and overlong input, naming input.locale', async () => {
    const user = await signedInUser(app.url, { locale: 'en-US' });
    const bad = ['xx', 'en_US', 'english', '', 'en-GB-u-hc-h12', 'de-DE-x-private', `en-${'a'.repeat(70)}`];
    for (const locale of bad) {
      const error = errorOf(await user.run(UpdateLocaleDocument, { input: { locale } }));
      expect([locale, error.extensions]).toEqual([
        locale,
        expect.objectContaining({
          code: 'BAD_USER_INPUT',
          fields: [expect.objectContaining({ field: 'input.locale' })],
        }),
      ]);
    }
    expect((await user.ok(MyLocaleDocument)).me!.locale).toBe('en-US');
    const input = registerInput({ locale: 'xx-XX' });
    const refused = errorOf(await execute(app.url, RegisterDocument, { input }));
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.locale' }] });
  });
});

it('is one of a registration attempt’s choices: its own verification link applies it', async () => {
  const user = await unverifiedUser(app, { locale: 'de-de' });
  expect((await user.ok(MyLocaleDocument)).me!.locale).toBe('de-DE');
  const [attempt]: { locale: string }[] = await app.infra.ds.query(
    'SELECT locale FROM registration_attempts WHERE user_id = $1',
    [user.user.id],
  );
  expect(attempt.locale).toBe('de-DE');
  // As if an earlier registration of the address by someone else had chosen another.
  await app.infra.ds.query(`UPDATE users SET locale = 'en-US' WHERE id = $1`, [user.user.id]);
  const mail = await eventually(() => {
    const found = sink.messages.find((m) => m.envelope.to.includes(user.input.email));
    return found ?? Promise.reject(new Error('not yet'));
  });
  const token = decodeURIComponent(/verify-email\?token=([A-Za-z0-9_%-]+)/.exec(mail.parsed.text ?? '')![1]);
  expect((await execute(app.url, VerifyEmailDocument, { token })).data?.verifyEmail).toBe(true);
  expect((await user.ok(MyLocaleDocument)).me!.locale).toBe('de-DE');
});

describe('dates in emails follow the user’s locale', () => {
  const previewAll = async (user: SignedInUser, meetingId: string, kind: EmailKind) =>
    (await user.ok(PreviewAnyEmailDocument, MEETING_KINDS.has(kind as Kind) ? { kind, meetingId } : { kind }))
      .previewEmail;

  it('in every kind that shows a date, through previewEmail (the meeting’s, or sample ones)', async () => {
    for (const locale of ['en-US', 'de-DE', 'en-GB'] as const) {
      const { user, meeting } = await userIn(locale);
      for (const kind of Object.values(Kind) as EmailKind[]) {
        const email = await previewAll(user, meeting.id, kind);
        const all = `${email.subject}\n${email.text}\n${email.html}`;
        if (!DATED.has(kind)) {
          // No date at all, in any locale's form.
          for (const pattern of Object.values(DATE)) expect([kind, pattern.test(all)]).toEqual([kind, false]);
          continue;
        }
        expect([locale, kind, email.text]).toEqual([locale, kind, expect.stringMatching(DATE[locale])]);
        expect([locale, kind, email.html]).toEqual([locale, kind, expect.stringMatching(DATE[locale])]);
        for (const other of Object.keys(DATE) as Locale[]) {
          if (other !== locale) expect([locale, kind, DATE[other].test(all)]).toEqual([locale, kind, false]);
        }
        if (MEETING_KINDS.has(kind as Kind))
          expect([kind, email.text]).toEqual([kind, expect.stringContaining(MEETING[locale].date)]);
        if (TIMED.has(kind)) expect([kind, email.text]).toEqual([kind, expect.stringMatching(MEETING[locale].time)]);
      }
    }
  });

  it('in the mail the worker sends through SMTP, and in the planned email’s subject', async () => {
    for (const locale of ['de-DE', 'en-US'] as const) {
      const { user, meeting } = await userIn(locale);
      const emails = (await user.ok(MeetingEmailsDocument, { id: meeting.id })).meeting!.scheduledEmails;
      const reminder = emails.find((e) => e.kind === 'PREP_REMINDER')!;
      expect(reminder.subject).toContain(MEETING[locale].date);
      await user.ok(SendScheduledEmailNowDocument, { id: reminder.id });
      const received = await eventually(() => {
        const found = sink.messages.find((m) => m.parsed.messageId === reminder.messageId);
        return found ?? Promise.reject(new Error('not yet'));
      });
      expect(received.parsed.subject).toContain(`${MEETING[locale].date} at `);
      expect(received.parsed.subject).toMatch(MEETING[locale].time);
      expect(received.parsed.text).toContain(`When: ${MEETING[locale].date}, `);
      expect(received.parsed.text).toMatch(MEETING[locale].time);
      expect(received.parsed.html).toContain(MEETING[locale].date);
    }
  });

  it('keeps the en-GB wording of accounts that never chose a locale', async () => {
    const { user, meeting } = await userIn('en-GB');
    const email = await previewAll(user, meeting.id, 'PREP_REMINDER');
    expect(email.text).toContain('When: Wednesday 16 January 2030, 15:00–15:45 (Europe/Berlin)');
    expect(email.subject).toContain('Wednesday 16 January 2030 at 15:00');
  });
});
