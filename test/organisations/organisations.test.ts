import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  ContactDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  DeleteOrganisationDocument,
  OrganisationDocument,
  OrganisationsDocument,
  UpdateOrganisationDocument,
  type OrganisationSort,
} from '../generated/graphql';

let app: TestApp;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
});
afterAll(() => app.close());

describe('organisation CRUD', () => {
  it('creates with research notes, derives the domain from the website, and reads it back', async () => {
    const { createOrganisation: org } = await ada.ok(CreateOrganisationDocument, {
      input: {
        name: '  Acme Robotics ',
        website: 'https://www.Acme-Robotics.com/careers',
        industry: 'Robotics',
        size: 'SIZE_201_1000',
        location: 'Berlin',
        structureNotes: 'Three divisions; engineering reports to the CTO.',
        nicheNotes: 'Warehouse automation.',
        goalsNotes: 'Expanding to the US.',
        careerProspectsNotes: 'Graduate programme each September.',
        cultureNotes: 'Flat, remote-friendly.',
        tags: ['Target', 'target', ' Dream '],
      },
    });
    expect(org).toMatchObject({
      name: 'Acme Robotics',
      domain: 'acme-robotics.com',
      size: 'SIZE_201_1000',
      tags: ['target', 'dream'],
      careerProspectsNotes: 'Graduate programme each September.',
    });
    const { organisation } = await ada.ok(OrganisationDocument, { id: org.id });
    expect(organisation?.cultureNotes).toBe('Flat, remote-friendly.');
  });

  it('updates only the given fields and clears with null or ""', async () => {
    const { createOrganisation: org } = await ada.ok(CreateOrganisationDocument, {
      input: { name: 'Globex', industry: 'Energy', location: 'Springfield', description: 'Utility' },
    });
    const { updateOrganisation: updated } = await ada.ok(UpdateOrganisationDocument, {
      id: org.id,
      input: { location: null, description: '', nicheNotes: 'Nuclear' },
    });
    expect(updated).toMatchObject({
      name: 'Globex',
      industry: 'Energy',
      location: null,
      description: null,
      nicheNotes: 'Nuclear',
    });
  });

  it('refuses a null name', async () => {
    const { createOrganisation: org } = await ada.ok(CreateOrganisationDocument, { input: { name: 'Initech' } });
    const res = await ada.run(UpdateOrganisationDocument, { id: org.id, input: { name: null } });
    expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.name' }] });
  });

  it('deleting keeps the contacts, without an organisation', async () => {
    const { createOrganisation: org } = await ada.ok(CreateOrganisationDocument, { input: { name: 'Soon Gone Ltd' } });
    const { createContact: contact } = await ada.ok(CreateContactDocument, {
      input: { firstName: 'Kept', organisationId: org.id },
    });
    expect(await ada.ok(DeleteOrganisationDocument, { id: org.id })).toEqual({ deleteOrganisation: org.id });
    expect((await ada.ok(OrganisationDocument, { id: org.id })).organisation).toBeNull();
    const { contact: after } = await ada.ok(ContactDocument, { id: contact.id });
    expect(after).toMatchObject({ id: contact.id, organisation: null });
    const again = await ada.run(DeleteOrganisationDocument, { id: org.id });
    expect(errorOf(again).extensions?.code).toBe('NOT_FOUND');
  });
});

describe('domains', () => {
  it('are unique per user: a second organisation with the same domain is a CONFLICT naming the first', async () => {
    const { createOrganisation: first } = await ada.ok(CreateOrganisationDocument, {
      input: { name: 'Initrode', website: 'https://initrode.example' },
    });
    const res = await ada.run(CreateOrganisationDocument, {
      input: { name: 'Initrode EU', domain: 'WWW.INITRODE.EXAMPLE' },
    });
    expect(errorOf(res).extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'DOMAIN_TAKEN',
      existingOrganisationId: first.id,
      fields: [{ field: 'input.domain' }],
    });
  });

  it('may be shared between different users', async () => {
    const bob = await signedInUser(app.url);
    await ada.ok(CreateOrganisationDocument, { input: { name: 'Shared', domain: 'shared.example' } });
    const { createOrganisation } = await bob.ok(CreateOrganisationDocument, {
      input: { name: 'Shared', domain: 'shared.example' },
    });
    expect(createOrganisation.domain).toBe('shared.example');
  });

  it('must look like a domain, and websites must be http(s)', async () => {
    const res = await ada.run(CreateOrganisationDocument, {
      input: { name: 'Bad', domain: 'not a domain', website: 'javascript:alert(1)' },
    });
    const fields = (errorOf(res).extensions?.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['input.domain', 'input.website']);
  });
});

describe('input limits', () => {
  it('refuses control characters in names, oversized notes and too many tags, naming each field', async () => {
    const res = await ada.run(CreateOrganisationDocument, {
      input: {
        name: 'Evil\u0000Corp',
        cultureNotes: 'x'.repeat(20_001),
        tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
      },
    });
    const fields = (errorOf(res).extensions?.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['input.cultureNotes', 'input.name', 'input.tags']);
  });
});

describe('organisations list', () => {
  let carol: SignedInUser;
  beforeAll(async () => {
    carol = await signedInUser(app.url);
    for (const input of [
      { name: 'Northwind Traders', industry: 'Retail', tags: ['target'], location: 'Seattle' },
      { name: 'Contoso Pharma', industry: 'Pharma', tags: ['target', 'dream'] },
      { name: 'Fabrikam', industry: 'retail', location: 'London' },
      { name: 'Tailspin Toys', industry: 'Toys' },
    ]) {
      await carol.ok(CreateOrganisationDocument, { input });
    }
  });
  const names = async (filter: object, sort?: OrganisationSort) =>
    (await carol.ok(OrganisationsDocument, { filter, sort })).organisations.edges.map((e) => e.node.name);

  it('searches partial words across name, industry and location', async () => {
    expect(await names({ search: 'wind' })).toEqual(['Northwind Traders']);
    expect(await names({ search: 'lond' })).toEqual(['Fabrikam']);
    expect(await names({ search: 'retail trad' })).toEqual(['Northwind Traders']);
    expect(await names({ search: '100%' })).toEqual([]);
  });

  it('filters by industry (any case) and tag, sorted by name', async () => {
    expect(await names({ industry: 'RETAIL' })).toEqual(['Fabrikam', 'Northwind Traders']);
    expect(await names({ tag: 'Target' })).toEqual(['Contoso Pharma', 'Northwind Traders']);
  });

  it('sorts newest or oldest first on request and counts across pages', async () => {
    expect(await names({}, 'CREATED_AT_DESC')).toEqual([
      'Tailspin Toys',
      'Fabrikam',
      'Contoso Pharma',
      'Northwind Traders',
    ]);
    expect(await names({}, 'CREATED_AT_ASC')).toEqual([
      'Northwind Traders',
      'Contoso Pharma',
      'Fabrikam',
      'Tailspin Toys',
    ]);
    const { organisations } = await carol.ok(OrganisationsDocument, { first: 1 });
    expect(organisations.totalCount).toBe(4);
    expect(organisations.pageInfo.hasNextPage).toBe(true);
  });

  it('shows only the user’s own organisations', async () => {
    const { organisations } = await carol.ok(OrganisationsDocument, { filter: { search: 'acme' } });
    expect(organisations.totalCount).toBe(0);
  });
});
