import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { postRaw } from '../helpers/graphql';
import {
  CompleteMeetingDocument,
  CreateCommitmentDocument,
  CreateContactDocument,
  CreateInsightDocument,
  CreateJobLeadDocument,
  CreateOrganisationDocument,
  LogInteractionDocument,
  QuestionsDocument,
  ScheduleMeetingDocument,
} from '../generated/graphql';

const committedSchema = () => buildSchema(readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));

/** The administration API, read from the schema: `admin…` fields and queueHealth. */
const isAdminField = (name: string) => name.startsWith('admin') || name === 'queueHealth';
function adminFields(): { root: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }[] {
  const schema = committedSchema();
  return (['query', 'mutation'] as const).flatMap((root) =>
    Object.values((root === 'query' ? schema.getQueryType() : schema.getMutationType())!.getFields())
      .filter((f) => isAdminField(f.name))
      .map((field) => ({ root, field })),
  );
}

/** A value of `type` that passes GraphQL's own checks, so the request reaches the resolver's gate. */
function sampleValue(type: GraphQLInputType): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [sampleValue(inner.ofType)];
  if (isEnumType(inner)) return inner.getValues()[0].value;
  if (isInputObjectType(inner)) {
    return Object.fromEntries(
      Object.values(inner.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sampleValue(f.type)]),
    );
  }
  const samples: Record<string, unknown> = {
    ID: '00000000-0000-4000-8000-000000000000',
    String: 'someone@example.test',
    Int: 1,
    Float: 1,
    Boolean: true,
    DateTimeISO: new Date().toISOString(),
    LocalDate: '2030-01-15',
    LocalTime: '09:00',
    LocalEndTime: '17:00',
  };
  return samples[getNamedType(inner).name];
}

/** A request for one admin field with every argument filled in. */
function adminRequest({ root, field }: ReturnType<typeof adminFields>[number]) {
  const vars = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `${root}${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(field.args.map((a) => [a.name, sampleValue(a.type)])),
  };
}

/**
 * Every ID a client can send, wherever it sits (argument, input field, list item, filter),
 * read from the committed schema: a new operation that takes an id fails this test until it
 * gets a probe below. The admin fields' ids are covered by the FORBIDDEN test instead: a user
 * without role ADMIN reaches none of them.
 */
function idArgumentPaths(): string[] {
  const schema = committedSchema();
  const paths: string[] = [];
  const walk = (type: GraphQLInputType, at: string, seen: Set<string>) => {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) return walk(inner.ofType, `${at}[]`, seen);
    const named = getNamedType(inner);
    if (named.name === 'ID') paths.push(at);
    if (isInputObjectType(named) && !seen.has(named.name)) {
      for (const field of Object.values(named.getFields()))
        walk(field.type, `${at}.${field.name}`, new Set([...seen, named.name]));
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType()] as GraphQLObjectType[]) {
    for (const field of Object.values(root.getFields()).filter((f) => !isAdminField(f.name))) {
      for (const arg of field.args) walk(arg.type, `${root.name}.${field.name}.${arg.name}`, new Set());
    }
  }
  return paths.sort();
}

/** A's objects, as user B will name them. */
interface Fixture {
  organisationId: string;
  contactId: string;
  meetingId: string;
  agendaItemId: string;
  questionId: string;
  commitmentId: string;
  insightId: string;
  /** A's meeting that was held (insights can be added to it). */
  completedMeetingId: string;
  jobLeadId: string;
  scheduledEmailId: string;
  /** A's sign-in (a refresh-token family). */
  sessionId: string;
  /** B's own objects, to fill the other fields of a mutation. */
  own: { contactId: string; meetingId: string; insightId: string; commitmentId: string; jobLeadId: string };
}

type Expectation = 'null' | 'NOT_FOUND' | 'EMPTY' | 'NULLS';
interface Probe {
  query: string;
  variables: (f: Fixture) => Record<string, unknown>;
  expect: Expectation;
}

const soon = () => new Date(Date.now() + 40 * 86_400_000).toISOString();
const later = () => new Date(Date.now() + 40 * 86_400_000 + 3_600_000).toISOString();

const single = (field: string, idOf: keyof Fixture): Probe => ({
  query: `query($id: ID!) { ${field}(id: $id) { id } }`,
  variables: (f) => ({ id: f[idOf] }),
  expect: 'null',
});
const byId = (mutation: string, idOf: keyof Fixture, extra = '', selection = ' { id }'): Probe => ({
  query: `mutation($id: ID!) { ${mutation}(id: $id${extra})${selection} }`,
  variables: (f) => ({ id: f[idOf] }),
  expect: 'NOT_FOUND',
});
const list = (field: string, filter: (f: Fixture) => Record<string, unknown>): Probe => ({
  query: `query($filter: ${field[0].toUpperCase()}${field.slice(1, -1)}Filter) { ${field}(first: 10, filter: $filter) { totalCount } }`,
  variables: (f) => ({ filter: filter(f) }),
  expect: 'EMPTY',
});
const mutationWithInput = (
  mutation: string,
  inputType: string,
  input: (f: Fixture) => Record<string, unknown>,
  id?: (f: Fixture) => string,
): Probe => ({
  query: id
    ? `mutation($id: ID!, $input: ${inputType}!) { ${mutation}(id: $id, input: $input) { id } }`
    : `mutation($input: ${inputType}!) { ${mutation}(input: $input) { id } }`,
  variables: (f) => ({ input: input(f), ...(id ? { id: id(f) } : {}) }),
  expect: 'NOT_FOUND',
});
const scheduleWith = (input: (f: Fixture) => Record<string, unknown>) =>
  mutationWithInput('scheduleMeeting', 'ScheduleMeetingInput', (f) => ({
    contactId: f.own.contactId,
    startsAt: soon(),
    endsAt: later(),
    ...input(f),
  }));
const completeOwnWith = (input: (f: Fixture) => Record<string, unknown>) =>
  mutationWithInput('completeMeeting', 'CompleteMeetingInput', input, (f) => f.own.meetingId);

const PROBES: Record<string, Probe> = {
  'Query.organisation.id': single('organisation', 'organisationId'),
  'Query.contact.id': single('contact', 'contactId'),
  'Query.meeting.id': single('meeting', 'meetingId'),
  'Query.question.id': single('question', 'questionId'),
  'Query.node.id': single('node', 'meetingId'),
  'Query.nodes.ids[]': {
    query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
    variables: (f) => ({
      ids: Object.values(f).filter((v): v is string => typeof v === 'string'),
    }),
    expect: 'NULLS',
  },

  'Query.organisations.filter.ids[]': list('organisations', (f) => ({ ids: [f.organisationId] })),
  'Query.contacts.filter.organisationId': list('contacts', (f) => ({ organisationId: f.organisationId })),
  'Query.contacts.filter.introducedById': list('contacts', (f) => ({ introducedById: f.contactId })),
  'Query.meetings.filter.contactId': list('meetings', (f) => ({ contactId: f.contactId })),
  'Query.meetings.filter.organisationId': list('meetings', (f) => ({ organisationId: f.organisationId })),
  'Query.insights.filter.organisationId': list('insights', (f) => ({ organisationId: f.organisationId })),
  'Query.insights.filter.contactId': list('insights', (f) => ({ contactId: f.contactId })),
  'Query.insights.filter.meetingId': list('insights', (f) => ({ meetingId: f.meetingId })),
  'Query.commitments.filter.contactId': list('commitments', (f) => ({ contactId: f.contactId })),
  'Query.jobLeads.filter.organisationId': list('jobLeads', (f) => ({ organisationId: f.organisationId })),
  'Query.jobLeads.filter.contactId': list('jobLeads', (f) => ({ contactId: f.contactId })),

  'Query.introductionPaths.to.organisationId': {
    query: 'query($id: ID!) { introductionPaths(to: { organisationId: $id }) { truncated } }',
    variables: (f) => ({ id: f.organisationId }),
    expect: 'NOT_FOUND',
  },
  'Query.introductionPaths.to.contactId': {
    query: 'query($id: ID!) { introductionPaths(to: { contactId: $id }) { truncated } }',
    variables: (f) => ({ id: f.contactId }),
    expect: 'NOT_FOUND',
  },

  'Mutation.updateOrganisation.id': mutationWithInput(
    'updateOrganisation',
    'UpdateOrganisationInput',
    () => ({ name: 'Hijacked' }),
    (f) => f.organisationId,
  ),
  'Mutation.deleteOrganisation.id': byId('deleteOrganisation', 'organisationId', '', ''),

  'Mutation.createContact.input.organisationId': mutationWithInput('createContact', 'CreateContactInput', (f) => ({
    firstName: 'X',
    organisationId: f.organisationId,
  })),
  'Mutation.createContact.input.introducedById': mutationWithInput('createContact', 'CreateContactInput', (f) => ({
    firstName: 'X',
    introducedById: f.contactId,
  })),
  'Mutation.createContact.input.reportsToId': mutationWithInput('createContact', 'CreateContactInput', (f) => ({
    firstName: 'X',
    reportsToId: f.contactId,
  })),
  'Mutation.updateContact.id': mutationWithInput(
    'updateContact',
    'UpdateContactInput',
    () => ({ notes: 'Hijacked' }),
    (f) => f.contactId,
  ),
  'Mutation.updateContact.input.organisationId': mutationWithInput(
    'updateContact',
    'UpdateContactInput',
    (f) => ({ organisationId: f.organisationId }),
    (f) => f.own.contactId,
  ),
  'Mutation.updateContact.input.introducedById': mutationWithInput(
    'updateContact',
    'UpdateContactInput',
    (f) => ({ introducedById: f.contactId }),
    (f) => f.own.contactId,
  ),
  'Mutation.updateContact.input.reportsToId': mutationWithInput(
    'updateContact',
    'UpdateContactInput',
    (f) => ({ reportsToId: f.contactId }),
    (f) => f.own.contactId,
  ),
  'Mutation.deleteContact.id': byId('deleteContact', 'contactId', '', ''),
  'Mutation.dismissDuplicateContacts.input.contactId': {
    query: 'mutation($a: ID!, $b: ID!) { dismissDuplicateContacts(input: { contactId: $a, otherContactId: $b }) }',
    variables: (f) => ({ a: f.contactId, b: f.own.contactId }),
    expect: 'NOT_FOUND',
  },
  'Mutation.dismissDuplicateContacts.input.otherContactId': {
    query: 'mutation($a: ID!, $b: ID!) { dismissDuplicateContacts(input: { contactId: $a, otherContactId: $b }) }',
    variables: (f) => ({ a: f.own.contactId, b: f.contactId }),
    expect: 'NOT_FOUND',
  },
  'Mutation.mergeContacts.input.keepId': {
    query:
      'mutation($keepId: ID!, $mergeId: ID!) { mergeContacts(input: { keepId: $keepId, mergeId: $mergeId }) { id } }',
    variables: (f) => ({ keepId: f.contactId, mergeId: f.own.contactId }),
    expect: 'NOT_FOUND',
  },
  'Mutation.mergeContacts.input.mergeId': {
    query:
      'mutation($keepId: ID!, $mergeId: ID!) { mergeContacts(input: { keepId: $keepId, mergeId: $mergeId }) { id } }',
    variables: (f) => ({ keepId: f.own.contactId, mergeId: f.contactId }),
    expect: 'NOT_FOUND',
  },
  'Mutation.requestMeeting.input.contactId': {
    query: `mutation($id: ID!) { requestMeeting(input: { contactId: $id, message: "Hello" }) { contact { id } } }`,
    variables: (f) => ({ id: f.contactId }),
    expect: 'NOT_FOUND',
  },
  'Query.compareOrganisations.ids[]': {
    query: `query($ids: [ID!]) { compareOrganisations(ids: $ids) { rows { cells { insights { text } } } } }`,
    variables: (f) => ({ ids: [f.organisationId, '00000000-0000-4000-8000-000000000000'] }),
    expect: 'NOT_FOUND',
  },
  'Query.interactions.contactId': {
    query: `query($id: ID!) { interactions(contactId: $id, first: 10) { totalCount edges { node { id note } } } }`,
    variables: (f) => ({ id: f.contactId }),
    expect: 'NOT_FOUND',
  },
  'Mutation.logInteraction.input.contactId': {
    query: `mutation($id: ID!) { logInteraction(input: { contactId: $id, note: "Hijacked" }) { id } }`,
    variables: (f) => ({ id: f.contactId }),
    expect: 'NOT_FOUND',
  },

  'Mutation.updateQuestion.id': mutationWithInput(
    'updateQuestion',
    'UpdateQuestionInput',
    () => ({ text: 'Hijacked?' }),
    (f) => f.questionId,
  ),
  'Mutation.deleteQuestion.id': byId('deleteQuestion', 'questionId', '', ''),

  'Mutation.scheduleMeeting.input.contactId': scheduleWith((f) => ({ contactId: f.contactId })),
  'Mutation.scheduleMeeting.input.organisationId': scheduleWith((f) => ({ organisationId: f.organisationId })),
  'Mutation.scheduleMeeting.input.questionIds[]': scheduleWith((f) => ({ questionIds: [f.questionId] })),
  'Mutation.scheduleMeeting.input.agenda[].questionId': scheduleWith((f) => ({
    agenda: [{ questionId: f.questionId }],
  })),
  'Mutation.updateMeeting.id': mutationWithInput(
    'updateMeeting',
    'UpdateMeetingInput',
    () => ({ notes: 'Hijacked' }),
    (f) => f.meetingId,
  ),
  'Mutation.updateMeeting.input.agenda[].questionId': mutationWithInput(
    'updateMeeting',
    'UpdateMeetingInput',
    (f) => ({ agenda: [{ questionId: f.questionId }] }),
    (f) => f.own.meetingId,
  ),
  'Mutation.rescheduleMeeting.id': {
    query: `mutation($id: ID!, $s: DateTimeISO!, $e: DateTimeISO!) { rescheduleMeeting(id: $id, input: { startsAt: $s, endsAt: $e }) { id } }`,
    variables: (f) => ({ id: f.meetingId, s: soon(), e: later() }),
    expect: 'NOT_FOUND',
  },
  'Mutation.cancelMeeting.id': byId('cancelMeeting', 'meetingId'),
  'Mutation.markNoShow.id': byId('markNoShow', 'meetingId'),
  'Mutation.completeMeeting.id': mutationWithInput(
    'completeMeeting',
    'CompleteMeetingInput',
    () => ({ notes: 'Hijacked' }),
    (f) => f.meetingId,
  ),
  'Mutation.completeMeeting.input.answers[].agendaItemId': completeOwnWith((f) => ({
    answers: [{ agendaItemId: f.agendaItemId, answer: 'x' }],
  })),
  'Mutation.completeMeeting.input.jobLeads[].organisationId': completeOwnWith((f) => ({
    jobLeads: [{ title: 'x', organisationId: f.organisationId }],
  })),
  'Mutation.completeMeeting.input.referrals[].organisationId': completeOwnWith((f) => ({
    referrals: [{ firstName: 'x', organisationId: f.organisationId }],
  })),
  'Query.scheduledEmail.id': single('scheduledEmail', 'scheduledEmailId'),
  'Query.scheduledEmails.filter.meetingId': list('scheduledEmails', (f) => ({ meetingId: f.meetingId })),
  'Query.scheduledEmails.filter.contactId': list('scheduledEmails', (f) => ({ contactId: f.contactId })),
  'Query.previewEmail.meetingId': {
    query: `query($id: ID!) { previewEmail(kind: THANK_YOU, meetingId: $id) { subject } }`,
    variables: (f) => ({ id: f.meetingId }),
    expect: 'NOT_FOUND',
  },
  'Query.previewEmail.contactId': {
    query: `query($id: ID!) { previewEmail(kind: OUTREACH, contactId: $id) { subject } }`,
    variables: (f) => ({ id: f.contactId }),
    expect: 'NOT_FOUND',
  },
  'Mutation.updateScheduledEmail.id': mutationWithInput(
    'updateScheduledEmail',
    'UpdateScheduledEmailInput',
    () => ({ subject: 'Hijacked' }),
    (f) => f.scheduledEmailId,
  ),
  'Mutation.cancelScheduledEmail.id': byId('cancelScheduledEmail', 'scheduledEmailId'),
  'Mutation.revokeSession.id': byId('revokeSession', 'sessionId', '', ''),
  'Mutation.sendScheduledEmailNow.id': byId('sendScheduledEmailNow', 'scheduledEmailId'),
  'Mutation.retryScheduledEmail.id': byId('retryScheduledEmail', 'scheduledEmailId'),
  'Mutation.setAgendaAnswer.input.agendaItemId': mutationWithInput('setAgendaAnswer', 'SetAgendaAnswerInput', (f) => ({
    agendaItemId: f.agendaItemId,
    answer: 'Hijacked',
  })),
  'Mutation.createInsight.input.meetingId': mutationWithInput('createInsight', 'CreateInsightInput', (f) => ({
    meetingId: f.completedMeetingId,
    category: 'OTHER',
    text: 'Hijacked',
  })),
  'Mutation.createInsight.input.contactId': mutationWithInput('createInsight', 'CreateInsightInput', (f) => ({
    contactId: f.contactId,
    category: 'OTHER',
    text: 'Hijacked',
  })),
  'Mutation.createInsight.input.organisationId': mutationWithInput('createInsight', 'CreateInsightInput', (f) => ({
    organisationId: f.organisationId,
    category: 'OTHER',
    text: 'Hijacked',
  })),
  'Mutation.updateInsight.id': mutationWithInput(
    'updateInsight',
    'UpdateInsightInput',
    () => ({ text: 'Hijacked' }),
    (f) => f.insightId,
  ),
  'Mutation.updateInsight.input.contactId': mutationWithInput(
    'updateInsight',
    'UpdateInsightInput',
    (f) => ({ contactId: f.contactId }),
    (f) => f.own.insightId,
  ),
  'Mutation.updateInsight.input.organisationId': mutationWithInput(
    'updateInsight',
    'UpdateInsightInput',
    (f) => ({ organisationId: f.organisationId }),
    (f) => f.own.insightId,
  ),
  'Mutation.deleteInsight.id': byId('deleteInsight', 'insightId', '', ''),
  'Mutation.updateCommitment.id': mutationWithInput(
    'updateCommitment',
    'UpdateCommitmentInput',
    () => ({ done: true }),
    (f) => f.commitmentId,
  ),
  'Mutation.updateCommitment.input.contactId': mutationWithInput(
    'updateCommitment',
    'UpdateCommitmentInput',
    (f) => ({ contactId: f.contactId }),
    (f) => f.own.commitmentId,
  ),
  'Mutation.createCommitment.input.contactId': mutationWithInput('createCommitment', 'CreateCommitmentInput', (f) => ({
    description: 'x',
    contactId: f.contactId,
  })),
  'Mutation.createCommitment.input.meetingId': mutationWithInput('createCommitment', 'CreateCommitmentInput', (f) => ({
    description: 'x',
    meetingId: f.meetingId,
  })),
  'Mutation.deleteCommitment.id': byId('deleteCommitment', 'commitmentId', '', ''),
  'Mutation.createJobLead.input.organisationId': mutationWithInput('createJobLead', 'CreateJobLeadInput', (f) => ({
    title: 'x',
    organisationId: f.organisationId,
  })),
  'Mutation.createJobLead.input.contactId': mutationWithInput('createJobLead', 'CreateJobLeadInput', (f) => ({
    title: 'x',
    contactId: f.contactId,
  })),
  'Mutation.createJobLead.input.referredById': mutationWithInput('createJobLead', 'CreateJobLeadInput', (f) => ({
    title: 'x',
    referredById: f.contactId,
  })),
  'Mutation.createJobLead.input.meetingId': mutationWithInput('createJobLead', 'CreateJobLeadInput', (f) => ({
    title: 'x',
    meetingId: f.meetingId,
  })),
  'Mutation.updateJobLead.id': mutationWithInput(
    'updateJobLead',
    'UpdateJobLeadInput',
    () => ({ status: 'WITHDRAWN' }),
    (f) => f.jobLeadId,
  ),
  'Mutation.updateJobLead.input.organisationId': mutationWithInput(
    'updateJobLead',
    'UpdateJobLeadInput',
    (f) => ({ organisationId: f.organisationId }),
    (f) => f.own.jobLeadId,
  ),
  'Mutation.updateJobLead.input.contactId': mutationWithInput(
    'updateJobLead',
    'UpdateJobLeadInput',
    (f) => ({ contactId: f.contactId }),
    (f) => f.own.jobLeadId,
  ),
  'Mutation.updateJobLead.input.referredById': mutationWithInput(
    'updateJobLead',
    'UpdateJobLeadInput',
    (f) => ({ referredById: f.contactId }),
    (f) => f.own.jobLeadId,
  ),
  'Mutation.deleteJobLead.id': byId('deleteJobLead', 'jobLeadId', '', ''),
};

let app: TestApp;
let a: SignedInUser;
let b: SignedInUser;
let fixture: Fixture;

const TABLES = [
  'scheduled_emails',
  'email_events',
  'email_templates',
  'organisations',
  'contacts',
  'meetings',
  'meeting_agenda_items',
  'questions',
  'insights',
  'commitments',
  'job_leads',
  'interactions',
];
/** Every row A owns, to prove that nothing B did changed them. */
async function snapshot(userId: string): Promise<string> {
  const parts = await Promise.all(
    TABLES.map((t) => app.infra.ds.query(`SELECT * FROM ${t} WHERE user_id = $1 ORDER BY id`, [userId])),
  );
  return JSON.stringify(parts);
}

beforeAll(async () => {
  app = await startTestApp();
  [a, b] = await Promise.all([signedInUser(app.url), signedInUser(app.url)]);
  const past = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

  const { createOrganisation: org } = await a.ok(CreateOrganisationDocument, { input: { name: 'A Corp' } });
  const { createContact: introducer } = await a.ok(CreateContactDocument, { input: { firstName: 'Intro' } });
  const { createContact: contact } = await a.ok(CreateContactDocument, {
    input: {
      firstName: 'Target',
      email: 'target@a-corp.example',
      organisationId: org.id,
      introducedById: introducer.id,
    },
  });
  await a.ok(LogInteractionDocument, { contactId: contact.id, note: 'Secret call', kind: 'CALL' });
  const { questions } = await a.ok(QuestionsDocument, { first: 1 });
  const questionId = questions.edges[0].node.id;
  const { scheduleMeeting: done } = await a.ok(ScheduleMeetingDocument, {
    input: { contactId: contact.id, startsAt: past(10), endsAt: past(9) },
  });
  const { completeMeeting } = await a.ok(CompleteMeetingDocument, {
    id: done.id,
    input: {
      insights: [{ category: 'CULTURE', text: 'Secret insight' }],
      commitments: [{ owner: 'ME', description: 'Secret promise' }],
    },
  });
  const { createJobLead: lead } = await a.ok(CreateJobLeadDocument, {
    input: { title: 'Secret lead', organisationId: org.id, contactId: contact.id, referredById: introducer.id },
  });
  const { scheduleMeeting: open } = await a.ok(ScheduleMeetingDocument, {
    input: { contactId: contact.id, startsAt: past(3), endsAt: past(2), questionIds: [questionId] },
  });

  const { createContact: bContact } = await b.ok(CreateContactDocument, { input: { firstName: 'Mine' } });
  const { createInsight: bInsight } = await b.ok(CreateInsightDocument, {
    input: { contactId: bContact.id, category: 'OTHER', text: 'Mine' },
  });
  const { scheduleMeeting: bMeeting } = await b.ok(ScheduleMeetingDocument, {
    input: { contactId: bContact.id, startsAt: past(6), endsAt: past(5) },
  });
  const { createCommitment: bPromise } = await b.ok(CreateCommitmentDocument, { input: { description: 'Mine' } });
  const { createJobLead: bLead } = await b.ok(CreateJobLeadDocument, { input: { title: 'Mine' } });
  const [email] = await app.infra.ds.query(
    `SELECT id FROM scheduled_emails WHERE meeting_id = $1 AND status = 'PENDING' LIMIT 1`,
    [open.id],
  );
  const [session] = await app.infra.ds.query(`SELECT family_id FROM refresh_tokens WHERE user_id = $1 LIMIT 1`, [
    a.user.id,
  ]);
  fixture = {
    scheduledEmailId: email.id,
    sessionId: session.family_id,
    organisationId: org.id,
    contactId: contact.id,
    meetingId: open.id,
    agendaItemId: open.agenda[0].id,
    questionId,
    commitmentId: completeMeeting.commitments.nodes[0].id,
    insightId: completeMeeting.insights.nodes[0].id,
    completedMeetingId: done.id,
    jobLeadId: lead.id,
    own: {
      contactId: bContact.id,
      meetingId: bMeeting.id,
      insightId: bInsight.id,
      commitmentId: bPromise.id,
      jobLeadId: bLead.id,
    },
  };
});
afterAll(() => app.close());

it('has a probe for every ID a client can send (generated from schema.graphql)', () => {
  const missing = idArgumentPaths().filter((p) => !PROBES[p]);
  expect(missing).toEqual([]);
  const stale = Object.keys(PROBES).filter((p) => !idArgumentPaths().includes(p));
  expect(stale).toEqual([]);
});

it('lets user B see nothing of user A’s and change nothing, whichever id B sends', async () => {
  const before = await snapshot(a.user.id);
  const failures: string[] = [];
  for (const [pathName, probe] of Object.entries(PROBES)) {
    const res = await postRaw<Record<string, unknown>>(
      app.url,
      { query: probe.query, variables: probe.variables(fixture) },
      { token: b.token },
    );
    const field = pathName.split('.')[1];
    const value = res.data?.[field];
    const ok =
      probe.expect === 'null'
        ? !res.errors && value === null
        : probe.expect === 'EMPTY'
          ? !res.errors && (value as { totalCount: number }).totalCount === 0
          : probe.expect === 'NULLS'
            ? !res.errors && Array.isArray(value) && value.length > 5 && value.every((v) => v === null)
            : res.errors?.[0]?.extensions?.code === 'NOT_FOUND' &&
              (res.data === null || value === undefined || value === null);
    if (!ok) failures.push(`${pathName}: expected ${probe.expect}, got ${JSON.stringify(res.errors ?? res.data)}`);
  }
  expect(failures).toEqual([]);
  expect(await snapshot(a.user.id)).toBe(before);
});

it('gives the same answer for another user’s id as for an id that never existed', async () => {
  const ghost = {
    ...fixture,
    meetingId: '00000000-0000-4000-8000-000000000000',
    contactId: '00000000-0000-4000-8000-000000000001',
  };
  for (const key of ['Query.meeting.id', 'Query.node.id', 'Mutation.cancelMeeting.id', 'Mutation.updateContact.id']) {
    const probe = PROBES[key];
    const theirs = await postRaw(
      app.url,
      { query: probe.query, variables: probe.variables(fixture) },
      { token: b.token },
    );
    const none = await postRaw(app.url, { query: probe.query, variables: probe.variables(ghost) }, { token: b.token });
    expect(theirs.errors).toEqual(none.errors);
    expect(theirs.data).toEqual(none.data);
  }
});

it('answers FORBIDDEN to a user without role ADMIN for every admin field (read from schema.graphql), changing nothing', async () => {
  const fields = adminFields();
  // The contract's fields (DESIGN.md, "Admin"): the list read from the schema holds at least these.
  expect(fields.map((f) => f.field.name)).toEqual(
    expect.arrayContaining([
      'adminUsers',
      'adminSuspendUser',
      'adminUnsuspendUser',
      'adminSetRole',
      'adminScheduledEmails',
      'adminRetryScheduledEmail',
      'adminCancelScheduledEmail',
      'adminSuppressions',
      'adminLiftSuppression',
      'queueHealth',
      'adminAuditLog',
    ]),
  );
  const before = await snapshot(a.user.id);
  const [auditBefore] = await app.infra.ds.query('SELECT count(*)::int AS n FROM admin_audit_log');
  const failures: string[] = [];
  for (const f of fields) {
    const request = adminRequest(f);
    // A's own ids, where the admin field takes one, so the gate (not a missing row) answers.
    for (const arg of f.field.args) {
      if (getNamedType(arg.type).name === 'ID') request.variables[arg.name] = a.user.id;
    }
    const res = await postRaw<Record<string, unknown>>(app.url, request, { token: b.token });
    const code = res.errors?.[0]?.extensions?.code;
    if (code !== 'FORBIDDEN' || res.data?.[f.field.name] != null)
      failures.push(`${f.field.name}: ${JSON.stringify(res.errors ?? res.data)}`);
  }
  expect(failures).toEqual([]);
  expect(await snapshot(a.user.id)).toBe(before);
  const [{ suspended_at, role }] = await app.infra.ds.query('SELECT suspended_at, role FROM users WHERE id = $1', [
    a.user.id,
  ]);
  expect({ suspended_at, role }).toEqual({ suspended_at: null, role: 'USER' });
  const [auditAfter] = await app.infra.ds.query('SELECT count(*)::int AS n FROM admin_audit_log');
  expect(auditAfter.n).toBe(auditBefore.n);
});
