import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, postRaw } from '../helpers/graphql';
import {
  CompleteMeetingDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  ScheduleMeetingDocument,
  UpdateCommitmentDocument,
} from '../generated/graphql';

let app: TestApp;
let ada: SignedInUser;
let orgId: string;
let contactId: string;
let pastMeetingId: string;
let openMeetingId: string;

const at = (hours: number) => new Date(Math.floor((Date.now() + hours * 3600_000) / 60_000) * 60_000).toISOString();

beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
  orgId = (await ada.ok(CreateOrganisationDocument, { input: { name: 'Acme' } })).createOrganisation.id;
  await ada.ok(CreateOrganisationDocument, { input: { name: 'Globex' } });
  contactId = (await ada.ok(CreateContactDocument, { input: { firstName: 'Grace', organisationId: orgId } }))
    .createContact.id;
  await ada.ok(CreateContactDocument, { input: { firstName: 'Alan', organisationId: orgId } });
  const past = await ada.ok(ScheduleMeetingDocument, { input: { contactId, startsAt: at(-30), endsAt: at(-29) } });
  pastMeetingId = past.scheduleMeeting.id;
  openMeetingId = (await ada.ok(ScheduleMeetingDocument, { input: { contactId, startsAt: at(-10), endsAt: at(-9) } }))
    .scheduleMeeting.id;
  await ada.ok(ScheduleMeetingDocument, { input: { contactId, startsAt: at(50), endsAt: at(51) } });
  await ada.ok(CompleteMeetingDocument, {
    id: pastMeetingId,
    input: {
      insights: [
        { category: 'CULTURE', text: 'Flat' },
        { category: 'CULTURE', text: 'Kind' },
      ],
      commitments: [
        { owner: 'ME', description: 'Send portfolio', dueOn: '2030-01-15' },
        { owner: 'ME', description: 'Call back', dueOn: '2030-02-01' },
      ],
      jobLeads: [{ title: 'Analyst' }, { title: 'Engineer' }],
    },
  });
});
afterAll(() => app.close());

const PAGE = 'edges { cursor } pageInfo { endCursor }';

/** Every connection, with the order its cursors belong to: cursors of one family are interchangeable. */
const connections = (): { name: string; family: string; field: string }[] => [
  {
    name: 'contacts NAME_ASC',
    family: 'contacts:NAME',
    field: `contacts(first: 1, sort: NAME_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'contacts CREATED_AT_DESC',
    family: 'contacts:CREATED_AT',
    field: `contacts(first: 1, sort: CREATED_AT_DESC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'contacts CREATED_AT_ASC',
    family: 'contacts:CREATED_AT_ASC',
    field: `contacts(first: 1, sort: CREATED_AT_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'contacts LAST_CONTACTED_AT_ASC',
    family: 'contacts:LAST',
    field: `contacts(first: 1, sort: LAST_CONTACTED_AT_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'contacts LAST_CONTACTED_AT_DESC',
    family: 'contacts:RECENT',
    field: `contacts(first: 1, sort: LAST_CONTACTED_AT_DESC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'contacts RELEVANCE_DESC',
    family: 'contacts:RELEVANCE',
    field: `contacts(first: 1, sort: RELEVANCE_DESC, filter: { search: "grace acme" }, after: $after) { ${PAGE} }`,
  },
  {
    name: 'organisations NAME_ASC',
    family: 'organisations:NAME',
    field: `organisations(first: 1, sort: NAME_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'organisations CREATED_AT_DESC',
    family: 'organisations:CREATED_AT',
    field: `organisations(first: 1, sort: CREATED_AT_DESC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'organisations CREATED_AT_ASC',
    family: 'organisations:CREATED_AT_ASC',
    field: `organisations(first: 1, sort: CREATED_AT_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'organisations UPDATED_AT_DESC',
    family: 'organisations:UPDATED_AT',
    field: `organisations(first: 1, sort: UPDATED_AT_DESC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'jobLeads DEADLINE_ASC',
    family: 'jobLeads:DEADLINE',
    field: `jobLeads(first: 1, sort: DEADLINE_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'jobLeads CREATED_AT_ASC',
    family: 'jobLeads:CREATED_AT_ASC',
    field: `jobLeads(first: 1, sort: CREATED_AT_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'jobLeads CREATED_AT_DESC',
    family: 'jobLeads:CREATED_AT_DESC',
    field: `jobLeads(first: 1, sort: CREATED_AT_DESC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'meetings STARTS_AT_ASC',
    family: 'meetings:ASC',
    field: `meetings(first: 1, sort: STARTS_AT_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'meetings STARTS_AT_DESC',
    family: 'meetings:DESC',
    field: `meetings(first: 1, sort: STARTS_AT_DESC, after: $after) { ${PAGE} }`,
  },
  { name: 'questions', family: 'questions', field: `questions(first: 1, after: $after) { ${PAGE} }` },
  { name: 'insights', family: 'insights', field: `insights(first: 1, after: $after) { ${PAGE} }` },
  { name: 'commitments', family: 'commitments', field: `commitments(first: 1, after: $after) { ${PAGE} }` },
  {
    name: 'scheduledEmails SEND_AT_ASC',
    family: 'emails:ASC',
    field: `scheduledEmails(first: 1, sort: SEND_AT_ASC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'scheduledEmails SEND_AT_DESC',
    family: 'emails:DESC',
    field: `scheduledEmails(first: 1, sort: SEND_AT_DESC, after: $after) { ${PAGE} }`,
  },
  {
    name: 'organisation.contacts',
    family: 'contacts:NAME',
    field: `organisation(id: "${orgId}") { contacts(first: 1, after: $after) { ${PAGE} } }`,
  },
  {
    name: 'organisation.meetings',
    family: 'meetings:DESC',
    field: `organisation(id: "${orgId}") { meetings(first: 1, after: $after) { ${PAGE} } }`,
  },
  {
    name: 'contact.meetings',
    family: 'meetings:DESC',
    field: `contact(id: "${contactId}") { meetings(first: 1, after: $after) { ${PAGE} } }`,
  },
];

const run = (field: string, after: string | null) =>
  postRaw(app.url, { query: `query ($after: String) { ${field} }`, variables: { after } }, { token: ada.token });

function endCursorOf(data: unknown): string | null {
  const text = JSON.stringify(data);
  return /"endCursor":"([^"]+)"/.exec(text)?.[1] ?? null;
}

describe('cursors', () => {
  it('every connection refuses a malformed or foreign cursor as BAD_USER_INPUT on `after`', async () => {
    const list = connections();
    const cursors: { family: string; cursor: string }[] = [];
    for (const c of list) {
      const res = await run(c.field, null);
      expect(res.errors).toBeUndefined();
      const cursor = endCursorOf(res.data);
      expect({ connection: c.name, cursor }).toEqual({ connection: c.name, cursor: expect.any(String) });
      // The list's own cursor works.
      const next = await run(c.field, cursor);
      expect({ connection: c.name, errors: next.errors }).toEqual({ connection: c.name, errors: undefined });
      cursors.push({ family: c.family, cursor: cursor! });
    }
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const malformed = [
      'garbage!!',
      b64('{"a":1}'),
      b64('["x","------------------------------------"]'),
      b64('["not a time","00000000-0000-0000-0000-000000000000"]'),
      b64('["2030-02-31 00:00:00+00","00000000-0000-0000-0000-000000000000"]'),
    ];
    for (const c of list) {
      const foreign = cursors.filter((x) => x.family !== c.family).map((x) => x.cursor);
      for (const after of [...malformed, ...foreign]) {
        const res = await run(c.field, after);
        expect({ connection: c.name, after, errors: res.errors?.map((e) => e.extensions) }).toEqual({
          connection: c.name,
          after,
          errors: [
            expect.objectContaining({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'after' })] }),
          ],
        });
      }
    }
  });
});

describe('calendar dates', () => {
  it('refuses a day that does not exist, naming the field, and accepts 29 February in a leap year', async () => {
    const bad = await ada.run(CompleteMeetingDocument, {
      id: openMeetingId,
      input: { commitments: [{ owner: 'ME', description: 'x', dueOn: '2030-02-31' }] },
    });
    expect(errorOf(bad).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.commitments[0].dueOn' }],
    });

    const commitments = await postRaw<{ commitments: { edges: { node: { id: string } }[] } }>(
      app.url,
      { query: '{ commitments(first: 1) { edges { node { id } } } }' },
      { token: ada.token },
    );
    const id = commitments.data!.commitments.edges[0].node.id;
    for (const dueOn of ['2030-02-31', '2029-02-29', '2100-02-29', '2030-04-31']) {
      const res = await ada.run(UpdateCommitmentDocument, { id, input: { dueOn } });
      expect({ dueOn, error: errorOf(res).extensions }).toMatchObject({
        dueOn,
        error: { code: 'BAD_USER_INPUT', fields: [{ field: 'input.dueOn' }] },
      });
    }
    for (const dueOn of ['2028-02-29', '2000-02-29', '2030-12-31']) {
      const { updateCommitment } = await ada.ok(UpdateCommitmentDocument, { id, input: { dueOn } });
      expect(updateCommitment.dueOn).toBe(dueOn);
    }
  });
});
