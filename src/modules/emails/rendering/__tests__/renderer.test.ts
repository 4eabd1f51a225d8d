import { EmailKind } from '../../email-kind';
import { DEFAULT_TEMPLATES } from '../default-templates';
import type { RenderContext } from '../render.types';
import { renderEmail } from '../email-renderer';
import { TemplateError } from '../template-safety';
import { sampleContext, templateVariables, validateTemplate } from '../template-validation';

const KINDS = Object.values(EmailKind);
const NOW = new Date('2026-01-14T09:00:00Z');

function thankYouContext(overrides: Partial<RenderContext> = {}): RenderContext {
  return { ...sampleContext(EmailKind.THANK_YOU), ...overrides };
}

// The sample meeting starts 2026-01-14 10:00 UTC; reminders and notices go to the user in London.
const SUBJECTS: Record<EmailKind, string> = {
  PREP_REMINDER: 'Coming up: Informational interview with Grace, Wednesday 14 January 2026 at 10:00',
  THANK_YOU: 'Thank you, Grace',
  FOLLOW_UP: 'An update since we spoke, Grace',
  KEEP_IN_TOUCH_DIGEST: 'Time to catch up with a few people',
  OUTREACH: 'Would you have time for a short conversation, Grace?',
  OUTREACH_NUDGE: 'No reply yet from Grace Hopper',
  MEETING_CANCELLED: 'Cancelled: Informational interview with Grace, Wednesday 14 January 2026',
  MEETING_UPDATED: 'Moved: Informational interview with Grace, now Wednesday 14 January 2026 at 10:00',
  EMAIL_VERIFICATION: 'Verify your email address for Rapport',
  PASSWORD_RESET: 'Reset your Rapport password',
  EMAIL_CHANGED: 'The email address of your Rapport account was changed',
  ACCOUNT_EXISTS: 'You already have a Rapport account',
  WEEKLY_DIGEST: 'Your week: 1 of 3 meetings so far',
  COMMITMENT_DUE: 'Promises due today',
  JOB_LEAD_DEADLINE: 'Last day to apply',
  ACCOUNT_SUSPENDED: 'Your Rapport account is suspended',
};

const PEOPLE = [
  'user.name',
  'user.firstName',
  'user.email',
  'recipient.name',
  'recipient.firstName',
  'recipient.email',
];

describe('default templates', () => {
  it.each(KINDS)('%s passes its own validation and renders both parts', (kind) => {
    expect(validateTemplate(DEFAULT_TEMPLATES[kind], kind)).toEqual([]);
    const email = renderEmail(sampleContext(kind), DEFAULT_TEMPLATES[kind], { now: NOW });
    expect(email.subject).toBe(SUBJECTS[kind]);
    expect(email.text).not.toMatch(/\{\{|\n\n\n/);
    expect(email.html).toMatch(/^<!DOCTYPE html>/);
    expect(email.html).toContain('<p style=');
  });

  it('lists the variables of each kind', () => {
    const names = (kind: EmailKind) => templateVariables(kind).map((v) => v.name);
    expect(names(EmailKind.THANK_YOU)).toEqual([
      ...PEOPLE,
      'appUrl',
      'contact.firstName',
      'contact.lastName',
      'contact.fullName',
      'contact.email',
      'contact.title',
      'contact.phone',
      'contact.linkedinUrl',
      'organisation.name',
      'organisation.website',
      'organisation.industry',
      'organisation.location',
      'organisation.description',
      'organisation.structureNotes',
      'organisation.nicheNotes',
      'organisation.goalsNotes',
      'organisation.careerProspectsNotes',
      'organisation.cultureNotes',
      'organisation.hasResearch',
      'meeting.title',
      'meeting.date',
      'meeting.time',
      'meeting.startTime',
      'meeting.endTime',
      'meeting.durationMinutes',
      'meeting.timezone',
      'meeting.location',
      'meeting.videoUrl',
      'meeting.notes',
      'meeting.status',
      'meeting.agenda',
      'meeting.agenda[].number',
      'meeting.agenda[].text',
      'meeting.agenda[].category',
      'unsubscribeUrl',
    ]);
    expect(names(EmailKind.KEEP_IN_TOUCH_DIGEST)).toEqual([
      ...PEOPLE,
      'appUrl',
      'digest',
      'digest[].fullName',
      'digest[].organisationName',
      'digest[].lastContacted',
      'digest[].dueSince',
      'digest[].daysOverdue',
      // What the digest carries on a day it goes out: promises and deadlines due today.
      'promises',
      'promises[].description',
      'promises[].contactName',
      'deadlines',
      'deadlines[].title',
      'deadlines[].organisationName',
      'deadlines[].status',
    ]);
    expect(names(EmailKind.COMMITMENT_DUE)).toEqual([
      ...PEOPLE,
      'appUrl',
      'promises',
      'promises[].description',
      'promises[].contactName',
    ]);
  });
});

describe('renderEmail', () => {
  it('escapes variables in HTML only, and links only trusted URLs', () => {
    const ctx = thankYouContext({
      contact: { ...sampleContext(EmailKind.THANK_YOU).contact!, firstName: '<script>alert(1)</script>' },
      meeting: { ...sampleContext(EmailKind.THANK_YOU).meeting!, notes: '<b>bold</b> & "quoted"' },
    });
    const email = renderEmail(
      ctx,
      {
        subject: 'Hi {{contact.firstName}}',
        body: 'Dear {{contact.firstName}},\n{{meeting.notes}}\n\nhttps://evil.example {{meeting.videoUrl}}',
      },
      { now: NOW },
    );
    expect(email.text).toContain('Dear <script>alert(1)</script>,\n<b>bold</b> & "quoted"');
    expect(email.html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt;,<br>');
    expect(email.html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('href="https://evil.example');
    expect(email.html).toContain('<a href="https://meet.example/abc"');
    expect(email.subject).toBe('Hi <script>alert(1)</script>');
  });

  it('keeps CR/LF out of the subject', () => {
    const ctx = thankYouContext({
      contact: { ...thankYouContext().contact!, firstName: 'Grace\r\nBcc: x@evil.example' },
    });
    const { subject } = renderEmail(ctx, { subject: '  Thanks {{contact.firstName}} ', body: 'x' });
    expect(subject).toBe('Thanks Grace Bcc: x@evil.example');
  });

  it('adds an unsubscribe footer to every email: mail to contacts and reminders to the user', () => {
    const thanks = renderEmail(thankYouContext(), DEFAULT_TEMPLATES.THANK_YOU, { now: NOW });
    expect(thanks.text).toContain('https://rapport.example/unsubscribe/sample');
    expect(thanks.text).toContain('sent this email with Rapport.');
    expect(thanks.html).toMatch(/<a href="https:\/\/rapport.example\/unsubscribe\/sample"[^>]*>Unsubscribe<\/a>/);
    const prep = renderEmail(sampleContext(EmailKind.PREP_REMINDER), DEFAULT_TEMPLATES.PREP_REMINDER, { now: NOW });
    expect(prep.text).toContain('To stop receiving these emails: https://rapport.example/unsubscribe/sample');
    expect(prep.html).toMatch(/<a href="https:\/\/rapport.example\/unsubscribe\/sample"[^>]*>Unsubscribe<\/a>/);
    // Without a link (none is given) a reminder has no footer at all.
    const bare = renderEmail(
      { ...sampleContext(EmailKind.PREP_REMINDER), unsubscribeUrl: null },
      DEFAULT_TEMPLATES.PREP_REMINDER,
      {
        now: NOW,
      },
    );
    expect(bare.text).not.toMatch(/unsubscribe/i);
  });

  it('formats dates in the recipient’s zone', () => {
    const base = sampleContext(EmailKind.THANK_YOU);
    const meeting = {
      ...base.meeting!,
      startsAt: new Date('2026-01-14T03:00:00Z'),
      endsAt: new Date('2026-01-14T03:45:00Z'),
    };
    const body = '{{meeting.date}} {{meeting.time}} {{meeting.timezone}}';
    const inNewYork = renderEmail({ ...base, meeting }, { subject: 's', body }).text;
    expect(inNewYork.split('\n')[0]).toBe('Tuesday 13 January 2026 22:00–22:45 America/New_York');
    const inLondon = renderEmail(
      { ...base, meeting, recipient: { ...base.recipient, timezone: 'Europe/London' } },
      { subject: 's', body },
    ).text;
    expect(inLondon.split('\n')[0]).toBe('Wednesday 14 January 2026 03:00–03:45 Europe/London');
  });

  it('attaches an .ics invitation to prep reminders', () => {
    const email = renderEmail(sampleContext(EmailKind.PREP_REMINDER), DEFAULT_TEMPLATES.PREP_REMINDER, {
      calendarDomain: 'rapport.example',
      now: NOW,
    });
    expect(email.attachments).toEqual([
      expect.objectContaining({ filename: 'invite.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST' }),
    ]);
    expect(email.attachments[0].content).toContain('UID:00000000-0000-4000-8000-000000000000@rapport.example');
    expect(email.text).toContain('1. How did you get into this field?');
    expect(renderEmail(thankYouContext(), DEFAULT_TEMPLATES.THANK_YOU).attachments).toEqual([]);
  });

  it.each([
    ['{{{contact.firstName}}}', /raw HTML/],
    ['{{& contact.firstName}}', /raw HTML/],
    ['{{> footer}}', /partials/],
    ['{{#> layout}}x{{/layout}}', /partials/],
    ['{{lookup contact "firstName"}}', /helpers are not allowed/],
    ['{{log "x"}}', /helpers are not allowed/],
    ['{{#each contact as |c|}}{{/each}}{{#lookup contact}}{{/lookup}}', /is not allowed/],
    ['{{{{raw}}}}{{contact}}{{{{/raw}}}}', /is not allowed/],
    ['{{* decorate}}', /decorators/],
    ['{{#* inline "x"}}y{{/inline}}', /decorators/],
    ['{{constructor.constructor}}', /not a template variable/],
    ['{{contact.__proto__}}', /not a template variable/],
    ['{{#if (lookup contact "x")}}y{{/if}}', /only variables/],
    ['{{@root.contact}}', /@root.contact is not allowed/],
    ['{{"literal"}}', /only variables/],
  ])('refuses to run %s, even from a stored template', (body, message) => {
    expect(() => renderEmail(thankYouContext(), { subject: 'x', body })).toThrow(TemplateError);
    expect(() => renderEmail(thankYouContext(), { subject: 'x', body })).toThrow(message);
  });
});

describe('validateTemplate', () => {
  const bodyErrors = (body: string, kind = EmailKind.THANK_YOU) =>
    validateTemplate({ subject: 'Hello', body }, kind).map((e) => `${e.field}: ${e.message}`);

  it('accepts variables in scope, blocks, block parameters and @index', () => {
    expect(
      bodyErrors(
        '{{#with contact}}{{firstName}} {{../user.name}}{{/with}}\n' +
          '{{#each meeting.agenda as |item i|}}{{@index}} {{i}} {{item.text}} {{number}} {{../meeting.title}}{{/each}}\n' +
          '{{#unless organisation}}none{{else}}{{organisation.name}}{{/unless}}{{!-- a comment --}}',
      ),
    ).toEqual([]);
  });

  it.each([
    [
      '{{contact.frstName}}',
      'input.body: line 1: unknown variable {{contact.frstName}}: contact has no field "frstName"',
    ],
    [
      'Hi\n{{#if contact.frstName}}x{{/if}}',
      'input.body: line 2: unknown variable {{contact.frstName}}: contact has no field "frstName"',
    ],
    ['{{digest}}', 'input.body: line 1: unknown variable {{digest}}'],
    ['{{contact}}', 'input.body: line 1: {{contact}} is a group of fields; use one of them'],
    ['{{meeting.agenda}}', 'input.body: line 1: {{meeting.agenda}} is a list; use {{#each meeting.agenda}}…{{/each}}'],
    ['{{#each contact}}x{{/each}}', 'input.body: line 1: {{#each}} needs a list; contact is not one'],
    ['{{@index}}', 'input.body: line 1: @index is only available inside {{#each}}'],
    ['{{#each meeting.agenda}}{{firstName}}{{/each}}', 'input.body: line 1: unknown variable {{firstName}}'],
    ['{{#if contact}}', 'input.body: cannot be read at line 1: unexpected end of template (a block is not closed?)'],
    ['{{#if contact}}x{{/each}}', 'input.body: line 1: {{/each}} does not close {{#if}}'],
    ['   ', 'input.body: must not be blank'],
    ['x'.repeat(20_001), 'input.body: must be at most 20000 characters'],
  ])('refuses %s', (body, error) => {
    expect(bodyErrors(body)).toEqual([error]);
  });

  it('checks the subject too, naming it', () => {
    expect(validateTemplate({ subject: 'Hi {{contact.frstName}}', body: 'x' }, EmailKind.THANK_YOU)).toEqual([
      {
        field: 'input.subject',
        message: 'line 1: unknown variable {{contact.frstName}}: contact has no field "frstName"',
      },
    ]);
    expect(validateTemplate({ subject: 'a\nb', body: 'x' }, EmailKind.THANK_YOU)).toEqual([
      { field: 'input.subject', message: 'must be on one line' },
    ]);
    expect(validateTemplate({ subject: 'x'.repeat(201), body: 'x' }, EmailKind.THANK_YOU)[0].field).toBe(
      'input.subject',
    );
  });

  it('only offers the variables of the kind', () => {
    expect(bodyErrors('{{message}}', EmailKind.OUTREACH)).toEqual([]);
    expect(bodyErrors('{{message}}', EmailKind.THANK_YOU)).toEqual([
      'input.body: line 1: unknown variable {{message}}',
    ]);
    expect(bodyErrors('{{#each digest}}{{fullName}}{{/each}}', EmailKind.KEEP_IN_TOUCH_DIGEST)).toEqual([]);
  });
});
