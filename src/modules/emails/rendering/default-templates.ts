import { EmailKind } from '../email-kind';
import type { TemplateSource } from './render.types';

/**
 * Rapport's own wording for every kind, used until the user saves their own. Plain text with
 * {{variables}} and {{#if}}/{{#each}} blocks; blank lines separate paragraphs. A block tag alone
 * on its line leaves no empty line behind (Handlebars' standalone rule).
 */
export const DEFAULT_TEMPLATES: Record<EmailKind, TemplateSource> = {
  [EmailKind.PREP_REMINDER]: {
    subject: 'Coming up: {{meeting.title}}, {{meeting.date}} at {{meeting.startTime}}',
    body: `Hi {{user.firstName}},

Your conversation with {{contact.fullName}}{{#if contact.title}} ({{contact.title}}){{/if}}{{#if organisation}} at {{organisation.name}}{{/if}} is coming up.

When: {{meeting.date}}, {{meeting.time}} ({{meeting.timezone}})
{{#if meeting.location}}
Where: {{meeting.location}}
{{/if}}
{{#if meeting.videoUrl}}
Link: {{meeting.videoUrl}}
{{/if}}
{{#if contact.email}}
Email: {{contact.email}}
{{/if}}
{{#if contact.phone}}
Phone: {{contact.phone}}
{{/if}}

{{#if meeting.agenda}}
Your questions:
{{#each meeting.agenda}}
{{number}}. {{text}}
{{/each}}
{{/if}}

{{#if organisation.hasResearch}}
Your notes on {{organisation.name}}:
{{#if organisation.structureNotes}}
Structure: {{organisation.structureNotes}}
{{/if}}
{{#if organisation.nicheNotes}}
Niche: {{organisation.nicheNotes}}
{{/if}}
{{#if organisation.goalsNotes}}
Goals: {{organisation.goalsNotes}}
{{/if}}
{{#if organisation.careerProspectsNotes}}
Career prospects: {{organisation.careerProspectsNotes}}
{{/if}}
{{#if organisation.cultureNotes}}
Culture: {{organisation.cultureNotes}}
{{/if}}
{{/if}}

The invitation is attached for your calendar. Have your resume ready, listen more than you talk, and finish on time.

Good luck!`,
  },

  [EmailKind.THANK_YOU]: {
    subject: 'Thank you, {{contact.firstName}}',
    body: `Dear {{contact.firstName}},

Thank you for taking the time to talk with me{{#if meeting}} on {{meeting.date}}{{/if}}. I really appreciated how openly you shared your experience{{#if organisation}} of the work at {{organisation.name}}{{/if}}.

Your advice on where to focus next was especially valuable, and I am already putting it to use.

With thanks,
{{user.name}}`,
  },

  [EmailKind.FOLLOW_UP]: {
    subject: 'An update since we spoke, {{contact.firstName}}',
    body: `Dear {{contact.firstName}},

It has been a few weeks since we spoke{{#if meeting}} on {{meeting.date}}{{/if}}, and I wanted to tell you how your advice has helped.

I have been following the suggestions you gave me, and they have already changed how I approach my search: I know better where to look and what to work on.

Thank you again for your generosity. If I can ever return the favour, please let me know.

Best regards,
{{user.name}}`,
  },

  [EmailKind.KEEP_IN_TOUCH_DIGEST]: {
    subject: 'Time to catch up with a few people',
    body: `Hi {{user.firstName}},
{{#if digest}}

It has been a while since you were in touch with these people:

{{#each digest}}
- {{fullName}}{{#if organisationName}} ({{organisationName}}){{/if}}, {{#if lastContacted}}last in touch on {{lastContacted}}{{else}}not in touch yet{{/if}}
{{/each}}

A short note goes a long way: share some news, pass on an article they would enjoy, or thank them again for their help.
{{/if}}
{{#if promises}}

Due today, as you promised:

{{#each promises}}
- {{description}}{{#if contactName}} (for {{contactName}}){{/if}}
{{/each}}
{{/if}}
{{#if deadlines}}

Last day to apply:

{{#each deadlines}}
- {{title}}{{#if organisationName}} at {{organisationName}}{{/if}} ({{status}})
{{/each}}
{{/if}}

{{appUrl}}`,
  },

  [EmailKind.OUTREACH]: {
    subject: 'Would you have time for a short conversation, {{contact.firstName}}?',
    body: `Dear {{contact.firstName}},

My name is {{user.name}}, and I would value your perspective{{#if organisation}} on the work at {{organisation.name}}{{/if}}.

{{message}}

I would be glad to fit around your schedule; twenty minutes would be plenty.

Best regards,
{{user.name}}`,
  },

  [EmailKind.OUTREACH_NUDGE]: {
    subject: 'No reply yet from {{contact.fullName}}',
    body: `Hi {{user.firstName}},

You asked {{contact.fullName}}{{#if organisation}} ({{organisation.name}}){{/if}} for a conversation{{#if outreach}} {{outreach.daysAgo}} days ago, on {{outreach.sentOn}},{{/if}} and have not heard back yet.

That is common: people are busy. A short, friendly follow-up often gets a reply, or someone you both know may be glad to introduce you.

{{appUrl}}`,
  },
  [EmailKind.MEETING_CANCELLED]: {
    subject: 'Cancelled: {{meeting.title}}, {{meeting.date}}',
    body: `Hi {{user.firstName}},

Your conversation with {{contact.fullName}}{{#if organisation}} at {{organisation.name}}{{/if}} on {{meeting.date}}, {{meeting.time}} ({{meeting.timezone}}) is cancelled.

The attached calendar update removes it from your calendar. Rapport will not send a thank-you or a follow-up for it.`,
  },
  [EmailKind.MEETING_UPDATED]: {
    subject: 'Moved: {{meeting.title}}, now {{meeting.date}} at {{meeting.startTime}}',
    body: `Hi {{user.firstName}},

Your conversation with {{contact.fullName}}{{#if organisation}} at {{organisation.name}}{{/if}} has moved.

Now: {{meeting.date}}, {{meeting.time}} ({{meeting.timezone}})
{{#if meeting.location}}
Where: {{meeting.location}}
{{/if}}
{{#if meeting.videoUrl}}
Link: {{meeting.videoUrl}}
{{/if}}

The attached calendar update moves it in your calendar. Rapport will remind you again before it starts.`,
  },
  // No name and no text the account holder chose: the address may belong to someone else.
  [EmailKind.EMAIL_VERIFICATION]: {
    subject: 'Verify your email address for Rapport',
    body: `Hello,

Someone asked for a Rapport account with this email address. If it was you, confirm the address by opening this link (it works once, for 24 hours); then sign in with the password you chose:

{{actionUrl}}

Each request gets its own link, which sets the password chosen in that request: open only a link you asked for. If it was not you, ignore this email or unsubscribe below: Rapport will send nothing else to this address unless it is verified.`,
  },
  [EmailKind.PASSWORD_RESET]: {
    subject: 'Reset your Rapport password',
    body: `Hello,

Someone asked to reset the password of the Rapport account with this email address. If it was you, choose a new password by opening this link (it works once, for 30 minutes):

{{actionUrl}}

If it was not you, ignore this email: your password stays as it is.`,
  },
  [EmailKind.EMAIL_CHANGED]: {
    subject: 'The email address of your Rapport account was changed',
    body: `Hello,

The Rapport account that used this email address now uses another one, which its owner has just verified. Rapport will send nothing more about that account to this address.

If you did not make this change, someone else may have your password: reset it at {{appUrl}} using your new address, or reply to this email.`,
  },
  [EmailKind.ACCOUNT_EXISTS]: {
    subject: 'You already have a Rapport account',
    body: `Hello,

Someone tried to create a Rapport account with this email address, which already has one. If it was you, sign in at {{appUrl}}; if you forgot your password, choose a new one there with "Forgot password".

If it was not you, ignore this email: nothing about your account has changed.`,
  },
  [EmailKind.WEEKLY_DIGEST]: {
    subject:
      '{{#if progress.goal}}Your week: {{progress.thisWeekHeld}} of {{progress.goal}} meetings so far{{else}}Your week{{/if}}',
    body: `Hi {{user.firstName}},

{{#if progress.goal}}This week: {{progress.thisWeekHeld}} of your {{progress.goal}} meetings held{{#if progress.thisWeekMet}}, goal met. Well done!{{else}}; {{progress.toGo}} to go.{{/if}}
Last week: {{progress.lastWeekHeld}}{{#if progress.lastWeekMet}}, goal met{{/if}}.
{{#if progress.streak}}Weeks in a row at your goal: {{progress.streak}}. Keep it going!{{else}}No streak yet: meet your goal this week to start one.{{/if}}
{{else}}Meetings held this week: {{progress.thisWeekHeld}}; last week: {{progress.lastWeekHeld}}. Set a weekly goal to track a streak.
{{/if}}
{{#if digest}}
Due a note from you:
{{#each digest}}
- {{fullName}}{{#if organisationName}} ({{organisationName}}){{/if}}, {{#if lastContacted}}last in touch on {{lastContacted}}{{else}}not in touch yet{{/if}}
{{/each}}
{{else}}
Nobody is waiting for a note from you.
{{/if}}

{{appUrl}}`,
  },

  [EmailKind.COMMITMENT_DUE]: {
    subject: 'Promises due today',
    body: `Hi {{user.firstName}},

You said you would do these by today:

{{#each promises}}
- {{description}}{{#if contactName}} (for {{contactName}}){{/if}}
{{/each}}

Keeping small promises is what makes people glad to help again. Mark them done, or give them a new date:

{{appUrl}}`,
  },

  [EmailKind.JOB_LEAD_DEADLINE]: {
    subject: 'Last day to apply',
    body: `Hi {{user.firstName}},

Today is the deadline for:

{{#each deadlines}}
- {{title}}{{#if organisationName}} at {{organisationName}}{{/if}} ({{status}})
{{/each}}

{{appUrl}}`,
  },
  [EmailKind.ACCOUNT_SUSPENDED]: {
    subject: 'Your Rapport account is suspended',
    body: `Hello,

An administrator of Rapport has suspended the account that uses this email address. While it is suspended you cannot sign in, and Rapport sends none of the emails the account planned: they are held, not deleted, and go on if the suspension is lifted.

If you think this is a mistake, reply to this email.`,
  },
};
