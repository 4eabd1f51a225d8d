import { randomUUID } from 'node:crypto';
import {
  CancelMeetingDocument,
  CompleteMeetingDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  ExportDataDocument,
  LogInteractionDocument,
  ScheduleMeetingDocument,
  UpdateEmailTemplateDocument,
} from '../generated/graphql';
import type { SignedInUser } from '../helpers/factories';

/**
 * A user with a row in every table a user owns, made through the API: an organisation, a
 * contact there, a logged call, a meeting completed with answers, insights, commitments and a job lead, one
 * cancelled meeting, an edited template, and the emails those plan.
 */
export async function richAccount(user: SignedInUser, tag = randomUUID().slice(0, 6)) {
  const { createOrganisation: org } = await user.ok(CreateOrganisationDocument, {
    input: { name: `Acme; Widgets, Ltd ${tag}`, domain: `acme-${tag}.example`, tags: ['fintech'] },
  });
  const { createContact: contact } = await user.ok(CreateContactDocument, {
    input: {
      firstName: 'Zoë',
      lastName: "O'Brien, Jr",
      email: `zoe-${tag}@acme.example`,
      title: 'Head of Platform; EMEA',
      linkedinUrl: `https://www.linkedin.com/in/zoe-${tag}`,
      connectedOn: '2021-06-30',
      organisationId: org.id,
      notes: 'Met at a meetup.\nLikes long walks; \\ backslashes, and commas.',
    },
  });
  await user.ok(LogInteractionDocument, { contactId: contact.id, note: 'Called; about the role', kind: 'CALL' });
  const startsAt = new Date(Date.now() - 3 * 86_400_000);
  startsAt.setUTCHours(7, 0, 0, 0);
  const { scheduleMeeting: held } = await user.ok(ScheduleMeetingDocument, {
    input: {
      contactId: contact.id,
      title: 'Coffee with Zoë',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      timezone: 'Europe/Paris',
      agenda: [{ text: 'How did you get into platform work?' }],
    },
  });
  const agendaItemId = held.agenda[0].id;
  await user.ok(CompleteMeetingDocument, {
    id: held.id,
    input: {
      notes: 'Great chat',
      answers: [{ agendaItemId, answer: 'By accident' }],
      insights: [{ category: 'CULTURE', text: 'Remote first' }],
      commitments: [{ owner: 'ME', description: 'Send my CV', dueOn: '2030-01-15' }],
      jobLeads: [{ title: 'Platform engineer', organisationId: org.id }],
    },
  });
  const cancelledStart = new Date(startsAt.getTime() + 6 * 86_400_000);
  const { scheduleMeeting: cancelled } = await user.ok(ScheduleMeetingDocument, {
    input: {
      contactId: contact.id,
      title: 'Second coffee',
      startsAt: cancelledStart.toISOString(),
      endsAt: new Date(cancelledStart.getTime() + 1_800_000).toISOString(),
      timezone: 'Europe/Paris',
    },
  });
  await user.ok(CancelMeetingDocument, { id: cancelled.id, reason: 'Travel' });
  await user.ok(UpdateEmailTemplateDocument, {
    input: { kind: 'THANK_YOU', subject: 'Thanks, {{contact.firstName}}', body: 'Thank you for your time.' },
  });
  return { org, contact, held, cancelled };
}

/** The three download links of a fresh exportData. */
export async function exportLinks(user: SignedInUser) {
  return (await user.ok(ExportDataDocument)).exportData;
}
