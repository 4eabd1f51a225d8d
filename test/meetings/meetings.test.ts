import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CancelMeetingDocument,
  CommitmentsDocument,
  CompleteMeetingDocument,
  ContactDocument,
  ContactHistoryDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  DeleteContactDocument,
  InsightsDocument,
  MarkNoShowDocument,
  MeetingDocument,
  MeetingsDocument,
  OrganisationHistoryDocument,
  QuestionsDocument,
  RescheduleMeetingDocument,
  ScheduleMeetingDocument,
  UpdateCommitmentDocument,
  UpdateMeetingDocument,
  type ScheduleMeetingInput,
} from '../generated/graphql';

const HOUR = 3600_000;
/** An ISO instant `hours` from now, on a whole minute. */
const at = (hours: number) => new Date(Math.floor((Date.now() + hours * HOUR) / 60_000) * 60_000).toISOString();

let app: TestApp;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url, { timezone: 'Europe/Paris' });
});
afterAll(() => app.close());

async function contactAt(user: SignedInUser, firstName: string, orgName?: string) {
  const org = orgName
    ? (await user.ok(CreateOrganisationDocument, { input: { name: orgName } })).createOrganisation
    : null;
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName, organisationId: org?.id ?? null },
  });
  return { contact: createContact, org };
}

const schedule = async (user: SignedInUser, input: ScheduleMeetingInput) =>
  (await user.ok(ScheduleMeetingDocument, { input })).scheduleMeeting;

describe('scheduling', () => {
  it('plans a meeting with an agenda from the bank and ad hoc questions, in the user’s zone', async () => {
    const { contact, org } = await contactAt(ada, 'Grace', 'Acme');
    const { questions } = await ada.ok(QuestionsDocument, { first: 3 });
    const bank = questions.edges.map((e) => e.node);
    const meeting = await schedule(ada, {
      contactId: contact.id,
      startsAt: at(48),
      endsAt: at(49),
      videoUrl: 'https://meet.example/abc',
      questionIds: [bank[1].id, bank[0].id],
      agenda: [
        { text: 'What surprised you most in your first year?', category: 'DAY_TO_DAY' },
        { questionId: bank[2].id },
      ],
    });
    expect(meeting).toMatchObject({
      title: 'Informational interview with Grace',
      status: 'SCHEDULED',
      timezone: 'Europe/Paris',
      contactName: 'Grace',
      organisation: { id: org!.id, name: 'Acme' },
      contact: { id: contact.id, stage: 'SCHEDULED' },
      sendThankYou: true,
      sendFollowUp: true,
    });
    expect(meeting.agenda.map((a) => [a.position, a.text])).toEqual([
      [0, bank[1].text],
      [1, bank[0].text],
      [2, 'What surprised you most in your first year?'],
      [3, bank[2].text],
    ]);
    expect(meeting.agenda[2].category).toBe('DAY_TO_DAY');
  });

  it('refuses an end before the start, an over-long meeting and a non-https video link, naming the field', async () => {
    const { contact } = await contactAt(ada, 'Timing');
    const backwards = await ada.run(ScheduleMeetingDocument, {
      input: { contactId: contact.id, startsAt: at(10), endsAt: at(9) },
    });
    expect(errorOf(backwards).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.endsAt' }],
    });
    const long = await ada.run(ScheduleMeetingDocument, {
      input: { contactId: contact.id, startsAt: at(10), endsAt: at(23) },
    });
    expect(errorOf(long).extensions).toMatchObject({ fields: [{ field: 'input.endsAt' }] });
    const http = await ada.run(ScheduleMeetingDocument, {
      input: { contactId: contact.id, startsAt: at(10), endsAt: at(11), videoUrl: 'http://meet.example/x' },
    });
    expect(errorOf(http).extensions).toMatchObject({ fields: [{ field: 'input.videoUrl' }] });
  });

  it('treats another user’s contact, organisation or question as not found', async () => {
    const bob = await signedInUser(app.url);
    const { contact: bobs, org: bobsOrg } = await contactAt(bob, 'Bobby', 'Bob Org');
    const { questions } = await bob.ok(QuestionsDocument, { first: 1 });
    const { contact: mine } = await contactAt(ada, 'Mine');
    const cases: [ScheduleMeetingInput, string][] = [
      [{ contactId: bobs.id, startsAt: at(30), endsAt: at(31) }, 'input.contactId'],
      [{ contactId: mine.id, organisationId: bobsOrg!.id, startsAt: at(30), endsAt: at(31) }, 'input.organisationId'],
      [
        { contactId: mine.id, questionIds: [questions.edges[0].node.id], startsAt: at(30), endsAt: at(31) },
        'input.questionIds[0]',
      ],
    ];
    for (const [input, field] of cases) {
      const res = await ada.run(ScheduleMeetingDocument, { input });
      expect(errorOf(res).extensions).toMatchObject({ code: 'NOT_FOUND', fields: [{ field }] });
    }
    const { meetings } = await ada.ok(MeetingsDocument, { filter: { contactId: mine.id } });
    expect(meetings.totalCount).toBe(0);
  });
});

describe('overlaps', () => {
  let user: SignedInUser;
  let contactId: string;
  beforeAll(async () => {
    user = await signedInUser(app.url);
    contactId = (await contactAt(user, 'Busy')).contact.id;
  });

  it('refuses an overlapping meeting with CONFLICT naming the clashing one; allows it when asked', async () => {
    const first = await schedule(user, { contactId, title: 'Coffee with Busy', startsAt: at(100), endsAt: at(101) });
    const res = await user.run(ScheduleMeetingDocument, {
      input: { contactId, startsAt: at(100.5), endsAt: at(101.5) },
    });
    const error = errorOf(res);
    expect(error.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'OVERLAP',
      clashingMeeting: { id: first.id, title: 'Coffee with Busy' },
    });
    // One way to name it: clashingMeeting.id (the separate clashingMeetingId is gone).
    expect(error.extensions).not.toHaveProperty('clashingMeetingId');
    expect(error.message).toContain('Coffee with Busy');

    const allowed = await schedule(user, { contactId, startsAt: at(100.5), endsAt: at(101.5), allowOverlap: true });
    expect(allowed.allowOverlap).toBe(true);
  });

  it('allows back-to-back meetings and ignores cancelled ones', async () => {
    const a = await schedule(user, { contactId, startsAt: at(200), endsAt: at(201) });
    await schedule(user, { contactId, startsAt: at(201), endsAt: at(202) });
    await user.ok(CancelMeetingDocument, { id: a.id });
    await schedule(user, { contactId, startsAt: at(200), endsAt: at(201) });
  });

  it('lets exactly one of two concurrent overlapping bookings through', async () => {
    const input = { contactId, startsAt: at(300), endsAt: at(301) };
    const results = await Promise.all([
      user.run(ScheduleMeetingDocument, { input }),
      user.run(ScheduleMeetingDocument, { input }),
    ]);
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0].extensions?.reason === 'OVERLAP').length).toBe(1);
  });

  it('checks overlaps when rescheduling, ignoring the meeting itself', async () => {
    const a = await schedule(user, { contactId, startsAt: at(400), endsAt: at(401) });
    const b = await schedule(user, { contactId, startsAt: at(402), endsAt: at(403) });
    // Computed once: `at` rounds to the minute, so a second call could land in the next one.
    const startsAt = at(400.5);
    const shifted = await user.ok(RescheduleMeetingDocument, {
      id: a.id,
      startsAt,
      endsAt: at(401.5),
      timezone: 'Asia/Tokyo',
    });
    expect(shifted.rescheduleMeeting).toMatchObject({ startsAt, timezone: 'Asia/Tokyo' });
    const clash = await user.run(RescheduleMeetingDocument, { id: a.id, startsAt: at(402.5), endsAt: at(403.5) });
    expect(errorOf(clash).extensions).toMatchObject({ code: 'CONFLICT', clashingMeeting: { id: b.id } });
  });
});

describe('status changes', () => {
  it('cancels with a reason; the contact goes back to REQUESTED; a second cancel is a CONFLICT', async () => {
    const { contact } = await contactAt(ada, 'Cancelled');
    const meeting = await schedule(ada, { contactId: contact.id, startsAt: at(500), endsAt: at(501) });
    const { cancelMeeting } = await ada.ok(CancelMeetingDocument, { id: meeting.id, reason: 'She is travelling' });
    expect(cancelMeeting).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'She is travelling',
      contact: { stage: 'REQUESTED' },
    });
    const again = await ada.run(CancelMeetingDocument, { id: meeting.id });
    expect(errorOf(again).extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATUS' });
    const move = await ada.run(RescheduleMeetingDocument, { id: meeting.id, startsAt: at(600), endsAt: at(601) });
    expect(errorOf(move).extensions?.reason).toBe('INVALID_STATUS');
  });

  it('refuses completing or marking a no-show before the meeting starts', async () => {
    const { contact } = await contactAt(ada, 'Future');
    const meeting = await schedule(ada, { contactId: contact.id, startsAt: at(700), endsAt: at(701) });
    expect(errorOf(await ada.run(CompleteMeetingDocument, { id: meeting.id, input: {} })).extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOT_STARTED',
    });
    expect(errorOf(await ada.run(MarkNoShowDocument, { id: meeting.id })).extensions?.reason).toBe('NOT_STARTED');
  });

  it('marks a no-show once it has started', async () => {
    const { contact } = await contactAt(ada, 'Absent');
    const meeting = await schedule(ada, { contactId: contact.id, startsAt: at(-2), endsAt: at(-1) });
    expect((await ada.ok(MarkNoShowDocument, { id: meeting.id })).markNoShow.status).toBe('NO_SHOW');
  });

  it('edits a scheduled meeting and replaces its agenda', async () => {
    const { contact } = await contactAt(ada, 'Editable');
    const meeting = await schedule(ada, {
      contactId: contact.id,
      startsAt: at(800),
      endsAt: at(801),
      agenda: [{ text: 'Old' }],
    });
    const { updateMeeting } = await ada.ok(UpdateMeetingDocument, {
      id: meeting.id,
      input: {
        location: 'Café Central',
        sendFollowUp: false,
        agenda: [{ text: 'New one' }, { text: 'New two', category: 'SALARY' }],
      },
    });
    expect(updateMeeting).toMatchObject({ location: 'Café Central', sendFollowUp: false });
    expect(updateMeeting.agenda.map((a) => a.text)).toEqual(['New one', 'New two']);
  });
});

describe('debrief', () => {
  it('stores answers, insights, promises, job leads and referrals; the contact moves to MET', async () => {
    const { contact, org } = await contactAt(ada, 'Debriefed', 'Globex');
    const meeting = await schedule(ada, {
      contactId: contact.id,
      startsAt: at(-3),
      endsAt: at(-2),
      agenda: [{ text: 'How did you start?' }, { text: 'What pays?', category: 'SALARY' }],
    });
    const { completeMeeting: done } = await ada.ok(CompleteMeetingDocument, {
      id: meeting.id,
      input: {
        notes: 'Great chat. <b>Follow up</b> in May.',
        answers: [{ agendaItemId: meeting.agenda[1].id, answer: '60–70k to start' }],
        insights: [
          { category: 'SALARY', text: 'Juniors start around 65k.' },
          { category: 'HIRING_CHANNELS', text: 'Most hires come through referrals.' },
        ],
        commitments: [
          { owner: 'ME', description: 'Send her my portfolio', dueOn: '2030-01-15' },
          { owner: 'CONTACT', description: 'Introduce me to the hiring manager' },
        ],
        jobLeads: [{ title: 'Junior analyst', url: 'https://globex.example/jobs/1' }],
        referrals: [{ firstName: 'Hank', lastName: 'Scorpio', email: 'Hank@Globex.example', organisationId: org!.id }],
      },
    });
    expect(done).toMatchObject({
      status: 'COMPLETED',
      notes: 'Great chat. <b>Follow up</b> in May.',
      contact: { stage: 'MET' },
    });
    expect(done.contact?.lastContactedAt).toBe(meeting.endsAt);
    expect(done.agenda.map((a) => a.answer)).toEqual([null, '60–70k to start']);
    // Entries of one debrief share a timestamp; their order among themselves is not kept.
    expect(done.insights.nodes.map((i) => i.category).sort()).toEqual(['HIRING_CHANNELS', 'SALARY']);
    expect(done.commitments.nodes.sort((a, b) => a.owner.localeCompare(b.owner))).toEqual([
      expect.objectContaining({ owner: 'CONTACT', dueOn: null }),
      expect.objectContaining({ owner: 'ME', description: 'Send her my portfolio', dueOn: '2030-01-15', done: false }),
    ]);
    expect(done.jobLeads.nodes).toEqual([
      expect.objectContaining({ title: 'Junior analyst', organisation: { id: org!.id } }),
    ]);
    expect(done.referrals).toEqual([
      expect.objectContaining({
        fullName: 'Hank Scorpio',
        email: 'hank@globex.example',
        howWeKnow: 'REFERRAL',
        introducedBy: { id: contact.id },
      }),
    ]);

    // Queryable per organisation, contact and meeting.
    const { insights: byOrg } = await ada.ok(InsightsDocument, { filter: { organisationId: org!.id } });
    expect(byOrg.totalCount).toBe(2);
    const { insights: salary } = await ada.ok(InsightsDocument, {
      filter: { meetingId: meeting.id, category: 'SALARY' },
    });
    expect(salary.edges.map((e) => e.node.text)).toEqual(['Juniors start around 65k.']);
    const { organisation } = await ada.ok(OrganisationHistoryDocument, { id: org!.id });
    expect(organisation).toMatchObject({
      meetings: { totalCount: 1 },
      jobLeads: { totalCount: 1, nodes: [{ title: 'Junior analyst' }] },
    });
    const { contact: history } = await ada.ok(ContactHistoryDocument, { id: contact.id });
    expect(history?.insights.nodes).toHaveLength(2);
    expect(history?.insights.totalCount).toBe(2);
    expect(history?.commitments.nodes).toHaveLength(2);
    expect(history?.commitments.totalCount).toBe(2);

    // Promises can be ticked off.
    const { commitments } = await ada.ok(CommitmentsDocument, { filter: { done: false, owner: 'ME' } });
    const mine = commitments.edges.find((e) => e.node.description === 'Send her my portfolio')!.node;
    const { updateCommitment } = await ada.ok(UpdateCommitmentDocument, { id: mine.id, input: { done: true } });
    expect(updateCommitment.done).toBe(true);
    const open = await ada.ok(CommitmentsDocument, { filter: { done: false, owner: 'ME' } });
    expect(open.commitments.edges.map((e) => e.node.id)).not.toContain(mine.id);
  });

  it('is all or nothing: a bad agenda item id stores nothing and leaves the meeting scheduled', async () => {
    const { contact } = await contactAt(ada, 'Atomic');
    const meeting = await schedule(ada, { contactId: contact.id, startsAt: at(-5), endsAt: at(-4) });
    const other = await schedule(ada, {
      contactId: contact.id,
      startsAt: at(-7),
      endsAt: at(-6),
      agenda: [{ text: 'Q' }],
    });
    const res = await ada.run(CompleteMeetingDocument, {
      id: meeting.id,
      input: {
        insights: [{ category: 'CULTURE', text: 'Should not be stored' }],
        answers: [{ agendaItemId: other.agenda[0].id, answer: 'wrong meeting' }],
      },
    });
    expect(errorOf(res).extensions).toMatchObject({
      code: 'NOT_FOUND',
      fields: [{ field: 'input.answers[0].agendaItemId' }],
    });
    const { meeting: after } = await ada.ok(MeetingDocument, { id: meeting.id });
    expect(after?.status).toBe('SCHEDULED');
    const { insights } = await ada.ok(InsightsDocument, { filter: { meetingId: meeting.id } });
    expect(insights.totalCount).toBe(0);
    const { contact: c } = await ada.ok(ContactDocument, { id: contact.id });
    expect(c?.stage).toBe('SCHEDULED');
  });

  it('names the first bad answer, keeps the last answer given twice, and refuses a referral already a contact', async () => {
    const { contact } = await contactAt(ada, 'Twice');
    const meeting = await schedule(ada, {
      contactId: contact.id,
      startsAt: at(-11),
      endsAt: at(-10),
      agenda: [{ text: 'One' }, { text: 'Two' }],
    });
    const [one, two] = meeting.agenda;
    const bad = await ada.run(CompleteMeetingDocument, {
      id: meeting.id,
      input: {
        answers: [
          { agendaItemId: one.id, answer: 'fine' },
          { agendaItemId: 'not-an-id', answer: 'no' },
          { agendaItemId: contact.id, answer: 'no' },
        ],
      },
    });
    expect(errorOf(bad).extensions).toMatchObject({
      code: 'NOT_FOUND',
      fields: [{ field: 'input.answers[1].agendaItemId' }],
    });

    const { createContact: known } = await ada.ok(CreateContactDocument, {
      input: { firstName: 'Known', email: 'known@twice.example' },
    });
    const taken = await ada.run(CompleteMeetingDocument, {
      id: meeting.id,
      input: {
        answers: [{ agendaItemId: two.id, answer: 'first' }],
        referrals: [{ firstName: 'Again', email: 'Known@Twice.example' }],
      },
    });
    expect(errorOf(taken).extensions).toMatchObject({
      code: 'CONFLICT',
      fields: [{ field: 'input.referrals[0].email' }],
    });
    expect(JSON.stringify(errorOf(taken).extensions)).toContain(known.id);
    const { meeting: still } = await ada.ok(MeetingDocument, { id: meeting.id });
    expect(still?.status).toBe('SCHEDULED');
    expect(still?.agenda.map((a) => a.answer)).toEqual([null, null]);

    const { completeMeeting: done } = await ada.ok(CompleteMeetingDocument, {
      id: meeting.id,
      input: {
        answers: [
          { agendaItemId: two.id, answer: 'first' },
          { agendaItemId: one.id, answer: 'only' },
          { agendaItemId: two.id, answer: 'second' },
        ],
      },
    });
    expect(done.agenda.map((a) => a.answer)).toEqual(['only', 'second']);
  });

  it('validates nested debrief entries, naming the item', async () => {
    const { contact } = await contactAt(ada, 'Nested');
    const meeting = await schedule(ada, { contactId: contact.id, startsAt: at(-9), endsAt: at(-8) });
    const res = await ada.run(CompleteMeetingDocument, {
      id: meeting.id,
      input: {
        commitments: [
          { owner: 'ME', description: 'ok' },
          { owner: 'ME', description: 'x', dueOn: '2030-13-40' },
        ],
      },
    });
    expect(errorOf(res).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.commitments[1].dueOn' }],
    });
  });
});

describe('meetings list and contact deletion', () => {
  it('filters by status and time and sorts either way', async () => {
    const user = await signedInUser(app.url);
    const { contact } = await contactAt(user, 'Listed');
    const past = await schedule(user, { contactId: contact.id, title: 'Past', startsAt: at(-30), endsAt: at(-29) });
    await schedule(user, { contactId: contact.id, title: 'Soon', startsAt: at(5), endsAt: at(6) });
    await schedule(user, { contactId: contact.id, title: 'Later', startsAt: at(50), endsAt: at(51) });
    await user.ok(CompleteMeetingDocument, { id: past.id, input: {} });
    const titles = async (variables: Parameters<typeof user.ok<unknown, object>>[1]) =>
      (await user.ok(MeetingsDocument, variables as never)).meetings.edges.map((e) => e.node.title);
    expect(await titles({})).toEqual(['Past', 'Soon', 'Later']);
    expect(await titles({ sort: 'STARTS_AT_DESC' })).toEqual(['Later', 'Soon', 'Past']);
    expect(await titles({ filter: { statuses: ['SCHEDULED'], from: at(0) } })).toEqual(['Soon', 'Later']);
    expect(await titles({ filter: { to: at(10), statuses: ['SCHEDULED'] } })).toEqual(['Soon']);
  });

  it('keeps past meeting notes readable after the contact is deleted', async () => {
    const { contact } = await contactAt(ada, 'Gone');
    const meeting = await schedule(ada, { contactId: contact.id, startsAt: at(-12), endsAt: at(-11) });
    await ada.ok(CompleteMeetingDocument, { id: meeting.id, input: { notes: 'Worth remembering' } });
    await ada.ok(DeleteContactDocument, { id: contact.id });
    const { meeting: after } = await ada.ok(MeetingDocument, { id: meeting.id });
    expect(after).toMatchObject({
      contact: null,
      contactName: 'Gone',
      notes: 'Worth remembering',
      status: 'COMPLETED',
    });
  });
});
