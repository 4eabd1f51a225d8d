import { ACCOUNT_EMAILS, EmailKind as Kind } from '../../src/modules/emails/email-kind';
import { MEETING_KINDS, PREVIEW_MESSAGE, PREVIEW_TOKEN } from '../../src/modules/emails/email-preview';
import { verifyUnsubscribeToken } from '../../src/modules/emails/unsubscribe-token';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import {
  CreateContactDocument,
  PreviewAnyEmailDocument,
  ScheduleMeetingDocument,
  UpdateEmailTemplateDocument,
  type EmailKind,
  type PreviewAnyEmailQueryVariables,
} from '../generated/graphql';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ REGISTRATIONS_PER_IP_PER_HOUR: '1000' });
});
afterAll(() => app.close());

const ALL_KINDS = Object.values(Kind) as EmailKind[];

const preview = async (user: SignedInUser, variables: PreviewAnyEmailQueryVariables) =>
  (await user.ok(PreviewAnyEmailDocument, variables)).previewEmail;

/** Rows a preview could leave behind if it planned, logged or minted anything. */
const footprint = async (userId: string) => {
  const [row]: { emails: number; events: number; tokens: number; all_tokens: number }[] = await app.infra.ds.query(
    `SELECT (SELECT count(*)::int FROM scheduled_emails WHERE user_id = $1) AS emails,
            (SELECT count(*)::int FROM email_events WHERE user_id = $1) AS events,
            (SELECT count(*)::int FROM account_tokens WHERE user_id = $1) AS tokens,
            (SELECT count(*)::int FROM account_tokens) AS all_tokens`,
    [userId],
  );
  return row;
};

/** Every address in the message: only sample ones (example.com) or the user's own. */
const addressesIn = (text: string) => [...text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)].map((m) => m[0]);

describe('previewEmail without a meeting or contact', () => {
  it('renders every kind from sample data, addressed to the user, with no working link, and writes nothing', async () => {
    const user = await signedInUser(app.url, { name: 'Preview Tester' });
    const before = await footprint(user.user.id);
    const secret = app.config.email.unsubscribeSecret;
    for (const kind of ALL_KINDS) {
      const email = await preview(user, { kind });
      const all = `${email.subject}\n${email.text}\n${email.html}`;
      expect({ kind, subject: email.subject.length > 0, text: email.text.trim().length > 0 }).toEqual({
        kind,
        subject: true,
        text: true,
      });
      expect(email.html).toContain('<!DOCTYPE html>');
      // Clearly fake data: example.com addresses, "Sample" names; the user's own address at most.
      for (const address of addressesIn(all)) {
        expect([kind, address]).toEqual([kind, expect.stringMatching(/@example\.com$|^user-[\w-]+@example\.test$/)]);
      }
      if (!ACCOUNT_EMAILS.has(kind as Kind)) expect([kind, all]).toEqual([kind, expect.stringContaining('Sample')]);
      // No link that acts: the unsubscribe stand-in, a placeholder token for account links.
      const tokens = [...all.matchAll(/\/unsubscribe\/([A-Za-z0-9_.-]+)/g)].map((m) => m[1]);
      expect(tokens.filter((t) => verifyUnsubscribeToken(t, secret))).toEqual([]);
      expect(all).not.toMatch(/token=(?!PREVIEW-ONLY-NOT-A-REAL-LINK)/);
      if (kind === 'EMAIL_VERIFICATION' || kind === 'PASSWORD_RESET') {
        expect(email.text).toContain(`?token=${PREVIEW_TOKEN}`);
      }
    }
    // Sample meetings carry their calendar invitation's wording; the user is greeted by name.
    expect((await preview(user, { kind: 'PREP_REMINDER' })).text).toContain('Hi Preview,');
    expect((await preview(user, { kind: 'THANK_YOU' })).text).toMatch(/^Dear Sample,/);
    expect((await preview(user, { kind: 'OUTREACH' })).text).toContain(PREVIEW_MESSAGE);
    expect((await preview(user, { kind: 'KEEP_IN_TOUCH_DIGEST' })).text).toMatch(
      /- Sample Contact \(Sample Organisation\)/,
    );
    expect(await footprint(user.user.id)).toEqual(before);
  });

  it('uses the user’s own wording, and nobody else’s', async () => {
    const user = await signedInUser(app.url);
    const other = await signedInUser(app.url);
    await other.ok(UpdateEmailTemplateDocument, {
      input: {
        kind: 'COMMITMENT_DUE',
        subject: 'Theirs',
        body: 'Not yours: {{#each promises}}{{description}}{{/each}}',
      },
    });
    await user.ok(UpdateEmailTemplateDocument, {
      input: {
        kind: 'COMMITMENT_DUE',
        subject: 'Mine, {{user.firstName}}',
        body: 'Owed: {{#each promises}}{{description}}{{/each}}',
      },
    });
    const email = await preview(user, { kind: 'COMMITMENT_DUE' });
    expect(email.subject).toBe('Mine, Ada');
    expect(email.text).toMatch(/^Owed: Send Sample Contact a sample article/);
    expect((await preview(other, { kind: 'COMMITMENT_DUE' })).subject).toBe('Theirs');
  });
});

describe('previewEmail with chosen data', () => {
  async function contactOf(user: SignedInUser) {
    const { createContact } = await user.ok(CreateContactDocument, {
      input: { firstName: 'Grace', lastName: 'Hopper', email: `grace-${Date.now()}@example.test` },
    });
    return createContact;
  }

  it('renders an outreach email and its nudge for one of the user’s contacts', async () => {
    const user = await signedInUser(app.url);
    const contact = await contactOf(user);
    const before = await footprint(user.user.id);
    const outreach = await preview(user, { kind: 'OUTREACH', contactId: contact.id });
    expect(outreach.subject).toBe('Would you have time for a short conversation, Grace?');
    expect(outreach.text).toContain(PREVIEW_MESSAGE);
    expect(outreach.text).not.toContain('Sample');
    const nudge = await preview(user, { kind: 'OUTREACH_NUDGE', contactId: contact.id });
    expect(nudge.subject).toBe('No reply yet from Grace Hopper');
    // Digests and reminders take a contact too: the user's own lists as they are now.
    expect((await preview(user, { kind: 'COMMITMENT_DUE', contactId: contact.id })).text).not.toContain('Sample');
    expect(await footprint(user.user.id)).toEqual(before);
  });

  it('treats another user’s contact or meeting, or an id that is not one, as not found', async () => {
    const alice = await signedInUser(app.url);
    const contact = await contactOf(alice);
    const { scheduleMeeting: meeting } = await alice.ok(ScheduleMeetingDocument, {
      input: { contactId: contact.id, startsAt: '2031-02-03T10:00:00Z', endsAt: '2031-02-03T10:30:00Z' },
    });
    const bob = await signedInUser(app.url);
    for (const contactId of [contact.id, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      for (const kind of ['OUTREACH', 'OUTREACH_NUDGE', 'KEEP_IN_TOUCH_DIGEST'] as const) {
        const res = await bob.run(PreviewAnyEmailDocument, { kind, contactId });
        expect(errorOf(res)).toMatchObject({ message: 'Contact not found', extensions: { code: 'NOT_FOUND' } });
      }
    }
    for (const kind of ['PREP_REMINDER', 'MEETING_CANCELLED', 'OUTREACH_NUDGE'] as const) {
      const res = await bob.run(PreviewAnyEmailDocument, { kind, meetingId: meeting.id });
      expect(errorOf(res)).toMatchObject({ message: 'Meeting not found', extensions: { code: 'NOT_FOUND' } });
    }
    // Alice sees hers.
    expect((await preview(alice, { kind: 'MEETING_CANCELLED', meetingId: meeting.id })).subject).toContain(
      'Cancelled: ',
    );
    const anonymous = await execute(app.url, PreviewAnyEmailDocument, { kind: 'OUTREACH', contactId: contact.id });
    expect(errorOf(anonymous).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses ids that do not fit the kind, naming the argument', async () => {
    const user = await signedInUser(app.url);
    const contact = await contactOf(user);
    const { scheduleMeeting: meeting } = await user.ok(ScheduleMeetingDocument, {
      input: { contactId: contact.id, startsAt: '2031-02-04T10:00:00Z', endsAt: '2031-02-04T10:30:00Z' },
    });
    const refused = async (variables: PreviewAnyEmailQueryVariables, field: string) => {
      const error = errorOf(await user.run(PreviewAnyEmailDocument, variables));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field }] });
    };
    await refused({ kind: 'OUTREACH', meetingId: meeting.id, contactId: contact.id }, 'contactId');
    for (const kind of MEETING_KINDS) await refused({ kind: kind as EmailKind, contactId: contact.id }, 'contactId');
    for (const kind of ACCOUNT_EMAILS) {
      await refused({ kind: kind as EmailKind, meetingId: meeting.id }, 'meetingId');
      await refused({ kind: kind as EmailKind, contactId: contact.id }, 'contactId');
    }
  });
});
