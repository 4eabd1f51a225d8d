import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CompleteMeetingDocument,
  CreateContactDocument,
  CreateJobLeadDocument,
  CreateOrganisationDocument,
  DeleteContactDocument,
  DeleteJobLeadDocument,
  JobLeadsDocument,
  MeetingPromisesAndLeadsDocument,
  ScheduleMeetingDocument,
  UpdateJobLeadDocument,
  type JobLeadStatus,
} from '../generated/graphql';

const HOUR = 3600_000;
const at = (hours: number) => new Date(Math.floor((Date.now() + hours * HOUR) / 60_000) * 60_000).toISOString();

let app: TestApp;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
});
afterAll(() => app.close());

const contact = async (user: SignedInUser, firstName: string, organisationId: string | null = null) =>
  (await user.ok(CreateContactDocument, { input: { firstName, organisationId } })).createContact;
const org = async (user: SignedInUser, name: string) =>
  (await user.ok(CreateOrganisationDocument, { input: { name } })).createOrganisation;
const move = (id: string, status: JobLeadStatus) => ada.run(UpdateJobLeadDocument, { id, input: { status } });

describe('job leads', () => {
  it('records a lead with its referrer and deadline, edits it and removes it', async () => {
    const acme = await org(ada, 'Acme');
    const grace = await contact(ada, 'Grace', acme.id);
    const { createJobLead: lead } = await ada.ok(CreateJobLeadDocument, {
      input: {
        title: ' Data analyst ',
        url: 'https://acme.example/jobs/42',
        notes: 'Team of five',
        deadline: '2031-03-31',
        organisationId: acme.id,
        referredById: grace.id,
      },
    });
    expect(lead).toMatchObject({
      title: 'Data analyst',
      status: 'INTERESTED',
      deadline: '2031-03-31',
      organisation: { id: acme.id },
      referredBy: { id: grace.id },
      contact: null,
      meeting: null,
      statusHistory: [{ status: 'INTERESTED' }],
    });

    const { updateJobLead: edited } = await ada.ok(UpdateJobLeadDocument, {
      id: lead.id,
      input: { notes: null, url: null, deadline: null, referredById: null, title: 'Senior data analyst' },
    });
    expect(edited).toMatchObject({
      notes: null,
      url: null,
      deadline: null,
      referredBy: null,
      title: 'Senior data analyst',
    });
    expect(edited.organisation?.id).toBe(acme.id);

    expect((await ada.ok(DeleteJobLeadDocument, { id: lead.id })).deleteJobLead).toBe(lead.id);
    expect(errorOf(await ada.run(DeleteJobLeadDocument, { id: lead.id })).extensions?.code).toBe('NOT_FOUND');
  });

  it('moves along the pipeline, records each step, and refuses moves that make no sense', async () => {
    const { createJobLead: lead } = await ada.ok(CreateJobLeadDocument, { input: { title: 'Pipeline' } });
    for (const status of ['APPLIED', 'INTERVIEWING', 'OFFER', 'ACCEPTED'] as const) {
      const res = await move(lead.id, status);
      expect(res.errors).toBeUndefined();
    }
    // Accepted: only back to OFFER (a mistaken click), never to REJECTED.
    expect(errorOf(await move(lead.id, 'REJECTED')).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.status' }],
    });
    const { updateJobLead: undone } = await ada.ok(UpdateJobLeadDocument, { id: lead.id, input: { status: 'OFFER' } });
    expect(undone.statusHistory.map((s) => s.status)).toEqual([
      'INTERESTED',
      'APPLIED',
      'INTERVIEWING',
      'OFFER',
      'ACCEPTED',
      'OFFER',
    ]);
    expect(new Date(undone.statusChangedAt).getTime()).toBe(new Date(undone.statusHistory.at(-1)!.at).getTime());

    const { createJobLead: other } = await ada.ok(CreateJobLeadDocument, { input: { title: 'Other' } });
    // ACCEPTED needs an offer first.
    expect(errorOf(await move(other.id, 'ACCEPTED')).extensions?.code).toBe('BAD_USER_INPUT');
    // Skipping forward, back between open steps, closing and reopening are all allowed.
    for (const status of ['INTERVIEWING', 'APPLIED', 'REJECTED', 'INTERVIEWING', 'WITHDRAWN'] as const)
      expect((await move(other.id, status)).errors).toBeUndefined();
    // A closed lead cannot jump to another closed status.
    expect(errorOf(await move(other.id, 'REJECTED')).extensions?.code).toBe('BAD_USER_INPUT');
    // The same status again is no step.
    const { updateJobLead: same } = await ada.ok(UpdateJobLeadDocument, {
      id: other.id,
      input: { status: 'WITHDRAWN', notes: 'They went quiet' },
    });
    expect(same.statusHistory).toHaveLength(6);
  });

  it('keeps the history bounded however often a lead goes back and forth', async () => {
    const { createJobLead: lead } = await ada.ok(CreateJobLeadDocument, { input: { title: 'Yo-yo' } });
    for (let i = 0; i < 30; i++) {
      await ada.ok(UpdateJobLeadDocument, { id: lead.id, input: { status: 'APPLIED' } });
      await ada.ok(UpdateJobLeadDocument, { id: lead.id, input: { status: 'INTERESTED' } });
    }
    const { updateJobLead } = await ada.ok(UpdateJobLeadDocument, { id: lead.id, input: { status: 'APPLIED' } });
    expect(updateJobLead.statusHistory).toHaveLength(50);
    // The first step (when it entered the pipeline) is kept.
    expect(updateJobLead.statusHistory[0].status).toBe('INTERESTED');
    expect(updateJobLead.statusHistory.at(-1)!.status).toBe('APPLIED');
  });

  it('adds a lead to a meeting after its debrief, from the meeting’s contact and organisation', async () => {
    const initech = await org(ada, 'Initech');
    const peter = await contact(ada, 'Peter', initech.id);
    const { scheduleMeeting: m } = await ada.ok(ScheduleMeetingDocument, {
      input: { contactId: peter.id, startsAt: at(-3), endsAt: at(-2) },
    });
    const { completeMeeting } = await ada.ok(CompleteMeetingDocument, {
      id: m.id,
      input: { jobLeads: [{ title: 'Heard in the debrief' }] },
    });
    // A debrief's lead enters the pipeline too.
    const debriefLead = completeMeeting.jobLeads.nodes[0];
    const { updateJobLead } = await ada.ok(UpdateJobLeadDocument, {
      id: debriefLead.id,
      input: { status: 'APPLIED', referredById: peter.id },
    });
    expect(updateJobLead.statusHistory.map((s) => s.status)).toEqual(['INTERESTED', 'APPLIED']);

    const { createJobLead } = await ada.ok(CreateJobLeadDocument, { input: { title: 'Added later', meetingId: m.id } });
    expect(createJobLead).toMatchObject({
      meeting: { id: m.id },
      organisation: { id: initech.id },
      contact: { id: peter.id },
    });
    const { meeting } = await ada.ok(MeetingPromisesAndLeadsDocument, { id: m.id });
    expect(meeting?.jobLeads.nodes.map((l) => l.title).sort()).toEqual(['Added later', 'Heard in the debrief']);
  });

  it('filters by statuses, organisation and contact, and sorts by deadline or newest', async () => {
    const user = await signedInUser(app.url);
    const { createOrganisation: a } = await user.ok(CreateOrganisationDocument, { input: { name: 'A' } });
    const { createContact: ref } = await user.ok(CreateContactDocument, { input: { firstName: 'Ref' } });
    const make = async (title: string, input: Record<string, unknown>) =>
      (await user.ok(CreateJobLeadDocument, { input: { title, ...input } })).createJobLead;
    const l1 = await make('l1', { deadline: '2031-05-01', organisationId: a.id });
    const l2 = await make('l2', { deadline: '2031-04-01', status: 'APPLIED', referredById: ref.id });
    const l3 = await make('l3', { status: 'REJECTED', contactId: ref.id });
    const l4 = await make('l4', { deadline: '2031-06-01', status: 'OFFER' });

    const titles = async (vars: Record<string, unknown>) =>
      (await user.ok(JobLeadsDocument, { first: 10, ...vars })).jobLeads.edges.map((e) => e.node.title);
    expect(await titles({})).toEqual(['l2', 'l1', 'l4', 'l3']);
    expect(await titles({ sort: 'CREATED_AT_DESC' })).toEqual(['l4', 'l3', 'l2', 'l1']);
    expect(await titles({ filter: { statuses: ['APPLIED', 'OFFER'] } })).toEqual(['l2', 'l4']);
    expect(await titles({ filter: { organisationId: a.id } })).toEqual([l1.title]);
    expect(await titles({ filter: { contactId: ref.id } })).toEqual([l2.title, l3.title]);

    const page1 = await user.ok(JobLeadsDocument, { first: 3 });
    expect(page1.jobLeads.totalCount).toBe(4);
    const page2 = await user.ok(JobLeadsDocument, { first: 3, after: page1.jobLeads.pageInfo.endCursor });
    expect(page2.jobLeads.edges.map((e) => e.node.id)).toEqual([l3.id]);
    // A cursor from one sort is refused by the other.
    const wrong = await user.run(JobLeadsDocument, {
      first: 3,
      sort: 'CREATED_AT_DESC',
      after: page1.jobLeads.pageInfo.endCursor,
    });
    expect(errorOf(wrong).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'after' }] });
    expect(l4.status).toBe('OFFER');
  });

  it('refuses bad input, naming the field, and another user’s ids as NOT_FOUND', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '' }, 'input.title'],
      [{ title: 'x'.repeat(201) }, 'input.title'],
      [{ title: 'ok', url: 'javascript:alert(1)' }, 'input.url'],
      [{ title: 'ok', deadline: '2031-04-31' }, 'input.deadline'],
      [{ title: 'ok', notes: 'x'.repeat(20_001) }, 'input.notes'],
    ];
    for (const [input, field] of cases) {
      const res = await ada.run(CreateJobLeadDocument, { input: input as never });
      const { code, fields } = errorOf(res).extensions as { code: string; fields: { field: string }[] };
      expect({ code, fields: [...new Set(fields.map((f) => f.field))] }).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [field],
      });
    }
    const { createJobLead: lead } = await ada.ok(CreateJobLeadDocument, { input: { title: 'ok' } });
    const res = await ada.run(UpdateJobLeadDocument, { id: lead.id, input: { status: null } });
    expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.status' }] });
    const tooMany = await ada.run(JobLeadsDocument, {
      filter: { statuses: Array(8).fill('APPLIED') },
    });
    expect(errorOf(tooMany).extensions?.code).toBe('BAD_USER_INPUT');

    const eve = await signedInUser(app.url);
    const { createContact: theirs } = await eve.ok(CreateContactDocument, { input: { firstName: 'Theirs' } });
    const r = await ada.run(UpdateJobLeadDocument, { id: lead.id, input: { referredById: theirs.id } });
    expect(errorOf(r).extensions).toMatchObject({ code: 'NOT_FOUND', fields: [{ field: 'input.referredById' }] });
    expect(errorOf(await eve.run(DeleteJobLeadDocument, { id: lead.id })).extensions?.code).toBe('NOT_FOUND');
  });

  it('forgets the referrer when the contact is deleted', async () => {
    const gone = await contact(ada, 'Gone');
    const { createJobLead: lead } = await ada.ok(CreateJobLeadDocument, {
      input: { title: 'Referred', referredById: gone.id },
    });
    await ada.ok(DeleteContactDocument, { id: gone.id });
    const { jobLeads } = await ada.ok(JobLeadsDocument, { first: 100 });
    expect(jobLeads.edges.find((e) => e.node.id === lead.id)?.node.referredBy).toBeNull();
  });
});
