import { ACCOUNT_EMAILS, EmailKind as Kind } from '../../src/modules/emails/email-kind';
import { DEFAULT_TEMPLATES } from '../../src/modules/emails/rendering/default-templates';
import { templateVariables } from '../../src/modules/emails/rendering/template-validation';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import {
  CreateContactDocument,
  CreateOrganisationDocument,
  EmailTemplatesDocument,
  PreviewEmailDocument,
  QuestionsDocument,
  ResetEmailTemplateDocument,
  ScheduleMeetingDocument,
  UpdateEmailTemplateDocument,
  type EmailKind,
} from '../generated/graphql';

let app: TestApp;
beforeAll(async () => {
  // Every test signs up its own users, from one address.
  app = await startTestApp({ REGISTRATIONS_PER_IP_PER_HOUR: '1000' });
});
afterAll(() => app.close());

const SCRIPT = '<script>alert(1)</script>';
const NOTES = '<b>Flat</b> & "friendly"';
// 03:00 UTC on Wednesday 16 January 2030 is still Tuesday 15 January in New York.
const STARTS_AT = '2030-01-16T03:00:00.000Z';
const ENDS_AT = '2030-01-16T03:45:00.000Z';

/** A user in London with a contact in New York (named like a script tag) and a meeting with an agenda. */
async function meetingFixture() {
  const user = await signedInUser(app.url, { name: 'Ada Lovelace', timezone: 'Europe/London' });
  const { createOrganisation: org } = await user.ok(CreateOrganisationDocument, {
    input: { name: 'Acme', cultureNotes: NOTES },
  });
  const { createContact: contact } = await user.ok(CreateContactDocument, {
    input: {
      firstName: SCRIPT,
      lastName: 'Hopper',
      email: `grace-${Math.random().toString(36).slice(2, 8)}@example.test`,
      timezone: 'America/New_York',
      organisationId: org.id,
    },
  });
  const { questions } = await user.ok(QuestionsDocument, { first: 2 });
  const { scheduleMeeting: meeting } = await user.ok(ScheduleMeetingDocument, {
    input: {
      contactId: contact.id,
      startsAt: STARTS_AT,
      endsAt: ENDS_AT,
      videoUrl: 'https://meet.example/abc',
      notes: '<i>Bring the portfolio</i>',
      questionIds: questions.edges.map((e) => e.node.id),
      agenda: [{ text: 'Which teams are hiring <juniors>?', category: 'HIRING_CHANNELS' }],
    },
  });
  return { user, org, contact, meeting, questions: questions.edges.map((e) => e.node.text) };
}

const preview = async (user: SignedInUser, kind: EmailKind, meetingId: string) =>
  (await user.ok(PreviewEmailDocument, { kind, meetingId })).previewEmail;

const templateOf = async (user: SignedInUser, kind: EmailKind) =>
  (await user.ok(EmailTemplatesDocument)).emailTemplates.find((t) => t.kind === kind)!;

describe('emailTemplates', () => {
  it('lists every kind with Rapport’s default wording and its variables', async () => {
    const user = await signedInUser(app.url);
    const { emailTemplates } = await user.ok(EmailTemplatesDocument);
    // Account emails (the verification email) keep Rapport's wording and are not listed for editing.
    const editable = Object.keys(DEFAULT_TEMPLATES).filter((kind) => !ACCOUNT_EMAILS.has(kind as Kind));
    expect(editable).not.toContain('EMAIL_VERIFICATION');
    expect(emailTemplates.map((t) => t.kind)).toEqual(editable);
    for (const t of emailTemplates) {
      expect(t).toMatchObject({ ...DEFAULT_TEMPLATES[t.kind], isCustom: false, updatedAt: null });
      expect(t.variables.length).toBeGreaterThan(3);
    }
    const thanks = emailTemplates.find((t) => t.kind === 'THANK_YOU')!;
    // Every variable the renderer offers for the kind, in its order (the list itself is pinned in
    // the renderer's unit test).
    expect(thanks.variables.map((v) => v.name)).toEqual(templateVariables(Kind.THANK_YOU).map((v) => v.name));
    const digest = emailTemplates.find((t) => t.kind === 'KEEP_IN_TOUCH_DIGEST')!;
    expect(digest.variables.map((v) => v.name)).toEqual(
      templateVariables(Kind.KEEP_IN_TOUCH_DIGEST).map((v) => v.name),
    );
  });

  it('is only for signed-in users', async () => {
    expect(errorOf(await execute(app.url, EmailTemplatesDocument, {})).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('previewEmail', () => {
  it('renders a thank-you to the contact: both parts, escaped HTML, dates in the contact’s zone', async () => {
    const { user, meeting } = await meetingFixture();
    const email = await preview(user, 'THANK_YOU', meeting.id);

    expect(email.subject).toBe(`Thank you, ${SCRIPT}`);
    expect(email.subject).not.toMatch(/[\r\n]/);
    // Plain text: the contact's name as written; the date where the contact lives.
    expect(email.text).toContain(`Dear ${SCRIPT},`);
    expect(email.text).toContain('on Tuesday 15 January 2030');
    expect(email.text).not.toContain('16 January');
    expect(email.text).toContain('Ada Lovelace');
    expect(email.text).toMatch(/To stop receiving these emails: http\S+\/unsubscribe\//);
    // HTML: the same words, every variable escaped, an unsubscribe link in the footer.
    expect(email.html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(email.html).not.toContain('<script');
    expect(email.html).toContain('on Tuesday 15 January 2030');
    expect(email.html).toMatch(/<a href="http[^"]+\/unsubscribe\/[^"]*"[^>]*>Unsubscribe<\/a>/);
    expect(email.html).toMatch(/<p style="[^"]*">Dear /);
  });

  it('renders a prep reminder to the user with the agenda and research notes, in the user’s zone', async () => {
    const { user, meeting, questions } = await meetingFixture();
    const email = await preview(user, 'PREP_REMINDER', meeting.id);

    expect(email.subject).toContain('Wednesday 16 January 2030 at 03:00');
    expect(email.text).toContain('When: Wednesday 16 January 2030, 03:00–03:45 (Europe/London)');
    expect(email.text).toContain('Link: https://meet.example/abc');
    expect(email.text).toContain(
      ['Your questions:', `1. ${questions[0]}`, `2. ${questions[1]}`, '3. Which teams are hiring <juniors>?'].join(
        '\n',
      ),
    );
    // Research notes arrive as written in text, escaped in HTML.
    expect(email.text).toContain(`Culture: ${NOTES}`);
    expect(email.html).toContain('Culture: &lt;b&gt;Flat&lt;/b&gt; &amp; &quot;friendly&quot;');
    expect(email.html).toContain('3. Which teams are hiring &lt;juniors&gt;?');
    expect(email.html).not.toContain('<b>Flat');
    // The trusted video link is a link; the reminder's unsubscribe footer (every email has one)
    // shows the stand-in, never a working token, since the user reads previews.
    expect(email.html).toContain('<a href="https://meet.example/abc"');
    expect(email.text).toContain('/unsubscribe/preview');
    expect(email.html).toContain('/unsubscribe/preview');
    expect(email.text).not.toMatch(/\/unsubscribe\/(?!preview)/);
  });

  it('renders the keep-in-touch digest: the user’s overdue contacts, most overdue first, no opted-out', async () => {
    const { user, meeting } = await meetingFixture();
    const cadence = async (firstName: string, days: number, emailOptOut = false) =>
      (await user.ok(CreateContactDocument, { input: { firstName, keepInTouchEveryDays: days, emailOptOut } }))
        .createContact;
    const due = await cadence('Overdue', 30);
    const moreDue = await cadence('Longest', 30);
    const optedOut = await cadence('Quiet', 30, true);
    await cadence('Recent', 30);
    // Backdate: "Overdue" was last in touch 40 days ago, "Longest" and "Quiet" never, created 90 days ago.
    await app.infra.ds.query(`UPDATE contacts SET last_contacted_at = now() - interval '40 days' WHERE id = $1`, [
      due.id,
    ]);
    await app.infra.ds.query(`UPDATE contacts SET created_at = now() - interval '90 days' WHERE id = ANY($1)`, [
      [moreDue.id, optedOut.id],
    ]);
    const email = await preview(user, 'KEEP_IN_TOUCH_DIGEST', meeting.id);
    const lines = email.text.split('\n').filter((l) => l.startsWith('- '));
    expect(lines).toEqual([
      expect.stringMatching(/^- Longest, not in touch yet$/),
      expect.stringMatching(/^- Overdue, last in touch on \w+ \d+ \w+ \d{4}$/),
    ]);
    expect(email.html).toContain('- Longest, not in touch yet');
  });

  it('renders an outreach nudge to the user about the contact', async () => {
    const { user, meeting } = await meetingFixture();
    const email = await preview(user, 'OUTREACH_NUDGE', meeting.id);
    expect(email.subject).toBe(`No reply yet from ${SCRIPT} Hopper`);
    expect(email.text).toContain(`You asked ${SCRIPT} Hopper (Acme) for a conversation and have not heard back yet.`);
    expect(email.html).toContain('You asked &lt;script&gt;alert(1)&lt;/script&gt; Hopper (Acme)');
  });

  it('treats another user’s meeting, or an id that is not one, as not found', async () => {
    const { meeting } = await meetingFixture();
    const bob = await signedInUser(app.url);
    for (const meetingId of [meeting.id, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const res = await bob.run(PreviewEmailDocument, { kind: 'THANK_YOU', meetingId });
      expect(errorOf(res)).toMatchObject({ message: 'Meeting not found', extensions: { code: 'NOT_FOUND' } });
    }
    const anonymous = await execute(app.url, PreviewEmailDocument, { kind: 'THANK_YOU', meetingId: meeting.id });
    expect(errorOf(anonymous).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('updateEmailTemplate and resetEmailTemplate', () => {
  it('saves a custom template that changes the preview, and reset restores the default', async () => {
    const { user, meeting, questions } = await meetingFixture();
    const { updateEmailTemplate: saved } = await user.ok(UpdateEmailTemplateDocument, {
      input: {
        kind: 'THANK_YOU',
        subject: '  Thanks again, {{contact.lastName}}  ',
        body: [
          'Hello {{contact.fullName}},',
          '',
          'From my notes: {{meeting.notes}}',
          '',
          '{{#each meeting.agenda}}',
          '{{number}}. {{text}}',
          '{{/each}}',
          '',
          'Cheers,',
          '{{user.firstName}}',
        ].join('\n'),
      },
    });
    expect(saved).toMatchObject({ kind: 'THANK_YOU', subject: 'Thanks again, {{contact.lastName}}', isCustom: true });
    expect(saved.updatedAt).not.toBeNull();
    expect(await templateOf(user, 'THANK_YOU')).toEqual(saved);
    expect((await templateOf(user, 'FOLLOW_UP')).isCustom).toBe(false);

    const custom = await preview(user, 'THANK_YOU', meeting.id);
    expect(custom.subject).toBe('Thanks again, Hopper');
    expect(custom.text).toContain(`Hello ${SCRIPT} Hopper,\n\nFrom my notes: <i>Bring the portfolio</i>`);
    expect(custom.text).toContain(`1. ${questions[0]}\n2. ${questions[1]}\n3. Which teams are hiring <juniors>?`);
    expect(custom.text).toContain('Cheers,\nAda');
    expect(custom.html).toContain('From my notes: &lt;i&gt;Bring the portfolio&lt;/i&gt;');
    expect(custom.html).not.toContain('<i>');
    expect(custom.html).toContain('Unsubscribe</a>'); // the footer is not the template's to drop

    // Someone else's templates are their own.
    const bob = await signedInUser(app.url);
    expect((await templateOf(bob, 'THANK_YOU')).isCustom).toBe(false);

    const { resetEmailTemplate: reset } = await user.ok(ResetEmailTemplateDocument, { kind: 'THANK_YOU' });
    expect(reset).toMatchObject({ ...DEFAULT_TEMPLATES.THANK_YOU, isCustom: false, updatedAt: null });
    expect((await templateOf(user, 'THANK_YOU')).isCustom).toBe(false);
    expect((await preview(user, 'THANK_YOU', meeting.id)).subject).toBe(`Thank you, ${SCRIPT}`);
    // Resetting a default is harmless.
    expect((await user.ok(ResetEmailTemplateDocument, { kind: 'THANK_YOU' })).resetEmailTemplate.isCustom).toBe(false);
  });

  it('saving twice replaces the custom template', async () => {
    const user = await signedInUser(app.url);
    await user.ok(UpdateEmailTemplateDocument, { input: { kind: 'FOLLOW_UP', subject: 'One', body: 'First' } });
    const { updateEmailTemplate } = await user.ok(UpdateEmailTemplateDocument, {
      input: { kind: 'FOLLOW_UP', subject: 'Two', body: 'Second, {{contact.firstName}}' },
    });
    expect(updateEmailTemplate).toMatchObject({
      subject: 'Two',
      body: 'Second, {{contact.firstName}}',
      isCustom: true,
    });
    expect(await templateOf(user, 'FOLLOW_UP')).toMatchObject({ subject: 'Two', isCustom: true });
  });

  const refused: [string, { subject?: string; body?: string }, string, RegExp][] = [
    ['a triple-stash', { body: 'Hi {{{contact.fullName}}}' }, 'input.body', /raw HTML/],
    ['an ampersand mustache', { body: 'Hi {{& contact.fullName}}' }, 'input.body', /raw HTML/],
    ['a partial', { body: 'Hi {{> signature}}' }, 'input.body', /partials/],
    ['a lookup helper', { body: '{{lookup contact "firstName"}}' }, 'input.body', /helpers are not allowed/],
    ['a lookup block', { body: '{{#lookup contact}}x{{/lookup}}' }, 'input.body', /is not allowed/],
    ['a sub-expression', { body: '{{#if (lookup contact "x")}}y{{/if}}' }, 'input.body', /only variables/],
    ['a log helper', { body: '{{log contact}}' }, 'input.body', /helpers are not allowed/],
    ['a decorator', { body: '{{#* inline "x"}}y{{/inline}}' }, 'input.body', /decorators/],
    ['a raw block', { body: '{{{{raw}}}}{{x}}{{{{/raw}}}}' }, 'input.body', /is not allowed/],
    ['constructor.constructor', { body: '{{constructor.constructor}}' }, 'input.body', /not a template variable/],
    ['__proto__', { body: '{{#with contact}}{{__proto__}}{{/with}}' }, 'input.body', /not a template variable/],
    ['a prototype method', { body: '{{contact.firstName.toString}}' }, 'input.body', /not a template variable/],
    ['@root', { body: '{{@root.user.name}}' }, 'input.body', /not allowed/],
    [
      'an unknown variable',
      { body: 'Dear {{contact.frstName}}' },
      'input.body',
      /unknown variable \{\{contact\.frstName\}\}/,
    ],
    ['an unknown variable in #if', { body: '{{#if contact.titel}}x{{/if}}' }, 'input.body', /unknown variable/],
    ['a variable of another kind', { body: '{{#each digest}}{{fullName}}{{/each}}' }, 'input.body', /unknown variable/],
    ['an unclosed block', { body: '{{#if contact}}Hi' }, 'input.body', /cannot be read/],
    ['an unknown variable in the subject', { subject: 'Hi {{contact.frstName}}' }, 'input.subject', /unknown variable/],
    ['a triple-stash in the subject', { subject: 'Hi {{{contact.firstName}}}' }, 'input.subject', /raw HTML/],
    ['a two-line subject', { subject: 'Hi\nBcc: x@evil.example' }, 'input.subject', /one line/],
    ['an over-long subject', { subject: 'x'.repeat(201) }, 'input.subject', /200/],
    ['a blank body', { body: ' \n ' }, 'input.body', /blank/],
  ];

  describe('refusals', () => {
    // Refusals change nothing, so one user serves them all.
    let user: SignedInUser;
    beforeAll(async () => {
      user = await signedInUser(app.url);
    });

    it.each(refused)('refuses %s, naming the field, and keeps the default', async (_name, parts, field, message) => {
      const res = await user.run(UpdateEmailTemplateDocument, {
        input: { kind: 'THANK_YOU', subject: 'Thanks', body: 'Dear {{contact.firstName}}', ...parts },
      });
      const error = errorOf(res);
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
      const fields = error.extensions?.fields as { field: string; message: string }[];
      expect(fields.map((f) => f.field)).toEqual([field]);
      expect(fields[0].message).toMatch(message);
      expect((await templateOf(user, 'THANK_YOU')).isCustom).toBe(false);
    });
  });
});
