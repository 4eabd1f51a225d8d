import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CancelMeetingDocument,
  CompleteMeetingDocument,
  CreateContactDocument,
  CreateInsightDocument,
  CreateOrganisationDocument,
  DeleteInsightDocument,
  InsightsDocument,
  MeetingDebriefDocument,
  ScheduleMeetingDocument,
  SetAgendaAnswerDocument,
  UpdateInsightDocument,
} from '../generated/graphql';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

/** A user with a contact at an organisation, and a meeting with them 3 hours ago (two questions). */
async function setting(user?: SignedInUser) {
  const ada = user ?? (await signedInUser(app.url));
  const { createOrganisation: org } = await ada.ok(CreateOrganisationDocument, { input: { name: 'Acme' } });
  const { createContact: grace } = await ada.ok(CreateContactDocument, {
    input: { firstName: 'Grace', organisationId: org.id },
  });
  const { scheduleMeeting: meeting } = await ada.ok(ScheduleMeetingDocument, {
    input: {
      contactId: grace.id,
      startsAt: at(-3 - Math.random()),
      endsAt: at(-2),
      allowOverlap: true,
      agenda: [{ text: 'How did you start?' }, { text: 'What is a day like?', category: 'DAY_TO_DAY' }],
    },
  });
  return { ada, org, grace, meeting };
}

describe('agenda answers after completeMeeting', () => {
  it('can be added, corrected and removed on a completed meeting', async () => {
    const { ada, meeting } = await setting();
    const [first, second] = meeting.agenda;
    await ada.ok(CompleteMeetingDocument, {
      id: meeting.id,
      input: { answers: [{ agendaItemId: first.id, answer: 'Internship' }] },
    });

    const added = await ada.ok(SetAgendaAnswerDocument, { input: { agendaItemId: second.id, answer: ' Meetings ' } });
    expect(added.setAgendaAnswer).toMatchObject({ id: second.id, position: 1, answer: 'Meetings' });
    await ada.ok(SetAgendaAnswerDocument, { input: { agendaItemId: first.id, answer: 'A summer internship' } });
    const read = async () => (await ada.ok(MeetingDebriefDocument, { id: meeting.id })).meeting!;
    expect((await read()).agenda.map((a) => a.answer)).toEqual(['A summer internship', 'Meetings']);

    const removed = await ada.ok(SetAgendaAnswerDocument, { input: { agendaItemId: second.id, answer: '' } });
    expect(removed.setAgendaAnswer.answer).toBeNull();
    expect(await read()).toMatchObject({
      status: 'COMPLETED',
      agenda: [{ answer: 'A summer internship' }, { answer: null }],
    });
  });

  it('names the field: too long, another user’s item, a cancelled meeting', async () => {
    const { ada, meeting } = await setting();
    const item = meeting.agenda[0];
    const long = await ada.run(SetAgendaAnswerDocument, {
      input: { agendaItemId: item.id, answer: 'x'.repeat(20_001) },
    });
    expect(errorOf(long).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.answer' }] });

    const bob = await signedInUser(app.url);
    for (const agendaItemId of [item.id, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const theirs = await bob.run(SetAgendaAnswerDocument, { input: { agendaItemId, answer: 'Hijacked' } });
      expect(errorOf(theirs).extensions).toMatchObject({
        code: 'NOT_FOUND',
        fields: [{ field: 'input.agendaItemId' }],
      });
    }

    const future = await setting(ada);
    const { scheduleMeeting: later } = await ada.ok(ScheduleMeetingDocument, {
      input: {
        contactId: future.grace.id,
        startsAt: at(30),
        endsAt: at(31),
        agenda: [{ text: 'Anything?' }],
      },
    });
    await ada.ok(CancelMeetingDocument, { id: later.id });
    const cancelled = await ada.run(SetAgendaAnswerDocument, {
      input: { agendaItemId: later.agenda[0].id, answer: 'Never said' },
    });
    expect(errorOf(cancelled).extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
    const [{ answer }] = await app.infra.ds.query(`SELECT answer FROM meeting_agenda_items WHERE id = $1`, [
      later.agenda[0].id,
    ]);
    expect(answer).toBeNull();
    const [{ answer: untouched }] = await app.infra.ds.query(`SELECT answer FROM meeting_agenda_items WHERE id = $1`, [
      item.id,
    ]);
    expect(untouched).toBeNull();
  });
});

describe('insights after completeMeeting', () => {
  it('are added to a completed meeting with its contact and organisation, corrected and removed', async () => {
    const { ada, org, grace, meeting } = await setting();
    const { completeMeeting } = await ada.ok(CompleteMeetingDocument, {
      id: meeting.id,
      input: { insights: [{ category: 'CULTURE', text: 'Remote frist' }] },
    });
    const typo = completeMeeting.insights.nodes[0];

    const { createInsight: added } = await ada.ok(CreateInsightDocument, {
      input: { meetingId: meeting.id, category: 'SALARY', text: ' Juniors start at 45k ' },
    });
    expect(added).toMatchObject({
      category: 'SALARY',
      text: 'Juniors start at 45k',
      meeting: { id: meeting.id },
      contact: { id: grace.id },
      organisation: { id: org.id },
    });

    const { updateInsight: fixed } = await ada.ok(UpdateInsightDocument, {
      id: typo.id,
      input: { text: 'Remote first', category: 'CULTURE' },
    });
    expect(fixed).toMatchObject({ id: typo.id, text: 'Remote first', meeting: { id: meeting.id } });
    const { updateInsight: recategorised } = await ada.ok(UpdateInsightDocument, {
      id: added.id,
      input: { category: 'ENTRY_PATHS' },
    });
    expect(recategorised).toMatchObject({ category: 'ENTRY_PATHS', text: 'Juniors start at 45k' });

    const read = async () => (await ada.ok(MeetingDebriefDocument, { id: meeting.id })).meeting!.insights.nodes;
    expect((await read()).map((i) => [i.category, i.text])).toEqual([
      ['CULTURE', 'Remote first'],
      ['ENTRY_PATHS', 'Juniors start at 45k'],
    ]);

    expect((await ada.ok(DeleteInsightDocument, { id: typo.id })).deleteInsight).toBe(typo.id);
    expect((await read()).map((i) => i.id)).toEqual([added.id]);
    const again = await ada.run(DeleteInsightDocument, { id: typo.id });
    expect(errorOf(again).extensions?.code).toBe('NOT_FOUND');
  });

  it('can be about a contact or an organisation without a meeting, and always keeps one of them', async () => {
    const { ada, org, grace } = await setting();
    const { createInsight: aboutGrace } = await ada.ok(CreateInsightDocument, {
      input: { contactId: grace.id, category: 'ADVICE', text: 'Learn SQL' },
    });
    // The contact's organisation is the default, so it counts when organisations are compared.
    expect(aboutGrace).toMatchObject({ meeting: null, contact: { id: grace.id }, organisation: { id: org.id } });
    const { createInsight: aboutAcme } = await ada.ok(CreateInsightDocument, {
      input: { organisationId: org.id, category: 'HIRING_CHANNELS', text: 'Hires through meetups' },
    });
    expect(aboutAcme).toMatchObject({ meeting: null, contact: null, organisation: { id: org.id } });
    const { insights } = await ada.ok(InsightsDocument, { filter: { organisationId: org.id } });
    expect(insights.edges.map((e) => e.node.id).sort()).toEqual([aboutGrace.id, aboutAcme.id].sort());

    const { updateInsight: orgOnly } = await ada.ok(UpdateInsightDocument, {
      id: aboutGrace.id,
      input: { contactId: null },
    });
    expect(orgOnly).toMatchObject({ contact: null, organisation: { id: org.id } });
    const orphan = await ada.run(UpdateInsightDocument, { id: aboutAcme.id, input: { organisationId: null } });
    expect(errorOf(orphan).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.organisationId' }],
    });
    const nothing = await ada.run(CreateInsightDocument, { input: { category: 'OTHER', text: 'About nobody' } });
    expect(errorOf(nothing).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.meetingId' }],
    });
    const nullText = await ada.run(UpdateInsightDocument, { id: aboutAcme.id, input: { text: null } });
    expect(errorOf(nullText).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.text' }] });
    const blank = await ada.run(CreateInsightDocument, {
      input: { organisationId: org.id, category: 'OTHER', text: '   ' },
    });
    expect(errorOf(blank).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.text' }] });
  });

  it('come only from a completed meeting, and only from the user’s own objects', async () => {
    const { ada, meeting, grace, org } = await setting();
    const scheduled = await ada.run(CreateInsightDocument, {
      input: { meetingId: meeting.id, category: 'OTHER', text: 'Before it happened' },
    });
    expect(errorOf(scheduled).extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATUS' });

    const bob = await signedInUser(app.url);
    const mine = await setting(bob);
    for (const [field, input] of [
      ['input.meetingId', { meetingId: meeting.id }],
      ['input.contactId', { contactId: grace.id }],
      ['input.organisationId', { organisationId: org.id }],
      ['input.organisationId', { contactId: mine.grace.id, organisationId: org.id }],
    ] as const) {
      const res = await bob.run(CreateInsightDocument, { input: { ...input, category: 'OTHER', text: 'Hijacked' } });
      expect([field, errorOf(res).extensions]).toMatchObject([field, { code: 'NOT_FOUND', fields: [{ field }] }]);
    }
    const { createInsight: adas } = await ada.ok(CreateInsightDocument, {
      input: { contactId: grace.id, category: 'OTHER', text: 'Ada’s' },
    });
    const steal = await bob.run(UpdateInsightDocument, { id: adas.id, input: { text: 'Hijacked' } });
    expect(errorOf(steal).extensions?.code).toBe('NOT_FOUND');
    const move = await bob.run(UpdateInsightDocument, { id: adas.id, input: { contactId: mine.grace.id } });
    expect(errorOf(move).extensions?.code).toBe('NOT_FOUND');
    const relink = await ada.run(UpdateInsightDocument, { id: adas.id, input: { contactId: mine.grace.id } });
    expect(errorOf(relink).extensions).toMatchObject({ code: 'NOT_FOUND', fields: [{ field: 'input.contactId' }] });
    expect(errorOf(await bob.run(DeleteInsightDocument, { id: adas.id })).extensions?.code).toBe('NOT_FOUND');
    const [{ text }] = await app.infra.ds.query(`SELECT text FROM insights WHERE id = $1`, [adas.id]);
    expect(text).toBe('Ada’s');
  });

  it('are capped per account with an error naming the input', async () => {
    const { ada, org } = await setting();
    await app.infra.ds.query(
      `INSERT INTO insights (user_id, organisation_id, category, text)
       SELECT $1, $2, 'OTHER', 'filler ' || i FROM generate_series(1, 20000) i`,
      [ada.user.id, org.id],
    );
    const refused = await ada.run(CreateInsightDocument, {
      input: { organisationId: org.id, category: 'OTHER', text: 'One more' },
    });
    expect(errorOf(refused).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input' }] });
  });
});
