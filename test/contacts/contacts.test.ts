import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  ContactDocument,
  ContactsDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  DeleteContactDocument,
  UpdateContactDocument,
  type ContactsQueryVariables,
  type CreateContactInput,
} from '../generated/graphql';

let app: TestApp;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
});
afterAll(() => app.close());

const newContact = async (user: SignedInUser, input: CreateContactInput) =>
  (await user.ok(CreateContactDocument, { input })).createContact;
const newOrganisation = async (user: SignedInUser, name: string) =>
  (await user.ok(CreateOrganisationDocument, { input: { name } })).createOrganisation;

describe('contact CRUD', () => {
  it('creates a contact at an organisation, introduced by another, and reads both directions', async () => {
    const acme = await newOrganisation(ada, 'Acme');
    const professor = await newContact(ada, { firstName: 'Marie', lastName: 'Curie', howWeKnow: 'PROFESSOR' });
    const contact = await newContact(ada, {
      firstName: ' Grace ',
      lastName: 'Hopper',
      email: 'Grace@Navy.example',
      phone: '+1 (555) 010-2000',
      title: 'Rear Admiral',
      linkedinUrl: 'https://www.linkedin.com/in/grace-hopper',
      organisationId: acme.id,
      introducedById: professor.id,
      howWeKnow: 'REFERRAL',
      isDecisionMaker: true,
      tags: ['Navy', 'COBOL'],
      notes: 'Ask about compilers.',
      keepInTouchEveryDays: 60,
      timezone: 'America/New_York',
    });
    expect(contact).toMatchObject({
      firstName: 'Grace',
      fullName: 'Grace Hopper',
      email: 'grace@navy.example',
      stage: 'IDENTIFIED',
      tags: ['navy', 'cobol'],
      isDecisionMaker: true,
      emailOptOut: false,
      organisation: { id: acme.id, name: 'Acme' },
      introducedBy: { id: professor.id, fullName: 'Marie Curie' },
    });
    const { contact: introducer } = await ada.ok(ContactDocument, { id: professor.id });
    expect(introducer?.introductions.nodes).toEqual([{ id: contact.id, fullName: 'Grace Hopper' }]);
  });

  it('walks the chain of introductions up from a contact', async () => {
    const aunt = await newContact(ada, { firstName: 'Aunt' });
    const friend = await newContact(ada, { firstName: 'Friend', introducedById: aunt.id });
    const target = await newContact(ada, { firstName: 'Target', introducedById: friend.id });
    const { contact } = await ada.ok(ContactDocument, { id: target.id });
    expect(contact?.introductionChain.map((c) => c.fullName)).toEqual(['Friend', 'Aunt']);
  });

  it('refuses an introduction cycle', async () => {
    const a = await newContact(ada, { firstName: 'A' });
    const b = await newContact(ada, { firstName: 'B', introducedById: a.id });
    const res = await ada.run(UpdateContactDocument, { id: a.id, input: { introducedById: b.id } });
    expect(errorOf(res).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.introducedById' }],
    });
    const self = await ada.run(UpdateContactDocument, { id: a.id, input: { introducedById: a.id } });
    expect(errorOf(self).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps emails unique per user, case-insensitively', async () => {
    const first = await newContact(ada, { firstName: 'Linus', email: 'linus@kernel.example' });
    const res = await ada.run(CreateContactDocument, { input: { firstName: 'L', email: 'LINUS@kernel.example' } });
    expect(errorOf(res).extensions).toMatchObject({
      code: 'CONFLICT',
      existingContactId: first.id,
      fields: [{ field: 'input.email' }],
    });
    const other = await signedInUser(app.url);
    expect((await newContact(other, { firstName: 'Linus', email: 'linus@kernel.example' })).email).toBe(
      'linus@kernel.example',
    );
  });

  it('validates email, phone, LinkedIn URL, cadence and time zone, naming each field', async () => {
    const res = await ada.run(CreateContactDocument, {
      input: {
        firstName: 'Bad',
        email: 'nope',
        phone: 'call me',
        linkedinUrl: 'https://evil.example/in/x',
        keepInTouchEveryDays: 0,
        timezone: 'Nowhere/Land',
      },
    });
    const fields = (errorOf(res).extensions?.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual([
      'input.email',
      'input.keepInTouchEveryDays',
      'input.linkedinUrl',
      'input.phone',
      'input.timezone',
    ]);
  });

  it('treats another user’s organisation or contact as not found in relation fields', async () => {
    const bob = await signedInUser(app.url);
    const bobsOrg = await newOrganisation(bob, 'Bob Inc');
    const bobsContact = await newContact(bob, { firstName: 'Bobby' });
    const withOrg = await ada.run(CreateContactDocument, { input: { firstName: 'X', organisationId: bobsOrg.id } });
    expect(errorOf(withOrg).extensions).toMatchObject({
      code: 'NOT_FOUND',
      fields: [{ field: 'input.organisationId' }],
    });
    const withIntroducer = await ada.run(CreateContactDocument, {
      input: { firstName: 'X', introducedById: bobsContact.id },
    });
    expect(errorOf(withIntroducer).extensions).toMatchObject({
      code: 'NOT_FOUND',
      fields: [{ field: 'input.introducedById' }],
    });
    const { contacts } = await ada.ok(ContactsDocument, { filter: { search: 'X' } });
    expect(contacts.edges.map((e) => e.node.fullName)).not.toContain('X');
  });

  it('deletes a contact; those they introduced stay, with no introducer', async () => {
    const introducer = await newContact(ada, { firstName: 'Leaving' });
    const introduced = await newContact(ada, { firstName: 'Staying', introducedById: introducer.id });
    expect(await ada.ok(DeleteContactDocument, { id: introducer.id })).toEqual({ deleteContact: introducer.id });
    expect((await ada.ok(ContactDocument, { id: introducer.id })).contact).toBeNull();
    expect((await ada.ok(ContactDocument, { id: introduced.id })).contact?.introducedBy).toBeNull();
  });
});

describe('stages', () => {
  it('moves along the cycle', async () => {
    const c = await newContact(ada, { firstName: 'Stage' });
    for (const stage of ['REQUESTED', 'SCHEDULED', 'MET', 'FOLLOWED_UP', 'NURTURING'] as const) {
      const { updateContact } = await ada.ok(UpdateContactDocument, { id: c.id, input: { stage } });
      expect(updateContact.stage).toBe(stage);
    }
  });

  it('refuses illegal moves, listing the allowed ones, and changes nothing', async () => {
    const c = await newContact(ada, { firstName: 'Illegal', title: 'Before' });
    const res = await ada.run(UpdateContactDocument, { id: c.id, input: { stage: 'MET', title: 'After' } });
    expect(errorOf(res).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'ILLEGAL_STAGE_TRANSITION',
      allowedStages: ['REQUESTED', 'SCHEDULED', 'DECLINED'],
      fields: [{ field: 'input.stage' }],
    });
    const { contact } = await ada.ok(ContactDocument, { id: c.id });
    expect(contact).toMatchObject({ stage: 'IDENTIFIED', title: 'Before' });
  });

  it('accepts any stage when a contact is created (imports of an existing network)', async () => {
    expect((await newContact(ada, { firstName: 'Old friend', stage: 'NURTURING' })).stage).toBe('NURTURING');
  });
});

describe('search, filters and sorting', () => {
  let carol: SignedInUser;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    carol = await signedInUser(app.url);
    const initech = await newOrganisation(carol, 'Initech Systems');
    const umbrella = await newOrganisation(carol, 'Umbrella Labs');
    const people: CreateContactInput[] = [
      {
        firstName: 'Alice',
        lastName: 'Anders',
        title: 'Data Engineer',
        organisationId: initech.id,
        tags: ['data'],
        howWeKnow: 'ALUMNI',
      },
      {
        firstName: 'Alicia',
        lastName: 'Keyes',
        title: 'Recruiter',
        organisationId: umbrella.id,
        isDecisionMaker: true,
        howWeKnow: 'COLD',
      },
      {
        firstName: 'Bob',
        lastName: 'Malice',
        notes: 'Met at the data meetup',
        tags: ['data', 'meetup'],
        howWeKnow: 'FRIEND',
      },
      {
        firstName: 'Dmitri',
        lastName: 'Ivanov',
        email: 'dmitri@initech.example',
        stage: 'MET',
        howWeKnow: 'COLLEAGUE',
      },
    ];
    for (const input of people) ids[input.firstName] = (await newContact(carol, input)).id;
    // Bob was contacted recently; the others never.
    await app.infra.ds.query(`UPDATE contacts SET last_contacted_at = now() - interval '3 days' WHERE id = $1`, [
      ids.Bob,
    ]);
  });
  const names = async (variables: ContactsQueryVariables) =>
    (await carol.ok(ContactsDocument, variables)).contacts.edges.map((e) => e.node.fullName);

  it('finds by partial name and ranks the closest match first', async () => {
    const found = await names({ filter: { search: 'alic' } });
    expect(found.slice(0, 2).sort()).toEqual(['Alice Anders', 'Alicia Keyes']);
    expect(found).toContain('Bob Malice');
    expect(found[2]).toBe('Bob Malice');
  });

  it('finds by organisation name, title, email and notes', async () => {
    expect(await names({ filter: { search: 'initech' } })).toEqual(
      expect.arrayContaining(['Alice Anders', 'Dmitri Ivanov']),
    );
    expect(await names({ filter: { search: 'recruit' } })).toEqual(['Alicia Keyes']);
    expect(await names({ filter: { search: 'meetup' } })).toEqual(['Bob Malice']);
    expect(await names({ filter: { search: 'umbrella recruiter' } })).toEqual(['Alicia Keyes']);
  });

  it('filters by stage, tag, how-we-know, decision maker and organisation', async () => {
    expect(await names({ filter: { stages: ['MET'] } })).toEqual(['Dmitri Ivanov']);
    expect(await names({ filter: { tag: 'DATA' }, sort: 'NAME_ASC' })).toEqual(['Alice Anders', 'Bob Malice']);
    expect(await names({ filter: { howWeKnows: ['ALUMNI', 'COLD'] }, sort: 'NAME_ASC' })).toEqual([
      'Alice Anders',
      'Alicia Keyes',
    ]);
    expect(await names({ filter: { isDecisionMaker: true } })).toEqual(['Alicia Keyes']);
    const { contact } = await carol.ok(ContactDocument, { id: ids.Alice });
    expect(await names({ filter: { organisationId: contact!.organisation!.id } })).toEqual(['Alice Anders']);
  });

  it('finds contacts not contacted for N days, longest-neglected first', async () => {
    expect(await names({ filter: { notContactedForDays: 7 }, sort: 'NAME_ASC' })).toEqual([
      'Alice Anders',
      'Alicia Keyes',
      'Dmitri Ivanov',
    ]);
    expect(await names({ filter: { notContactedForDays: 2 }, sort: 'LAST_CONTACTED_AT_ASC' })).toHaveLength(4);
    expect((await names({ sort: 'LAST_CONTACTED_AT_DESC' }))[0]).toBe('Bob Malice');
  });
});
