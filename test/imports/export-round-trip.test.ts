import {
  CreateContactDocument,
  CreateOrganisationDocument,
  ExportDataDocument,
  ImportContactsDocument,
  ImportedContactsDocument,
  OrganisationsDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL: 'https://rapport.example.test' });
});
afterAll(() => app.close());

/** A network with the awkward parts of vCard: UTF-8, separators, newlines, missing fields. */
async function network(user: SignedInUser) {
  const { createOrganisation: acme } = await user.ok(CreateOrganisationDocument, {
    input: { name: 'Acme; Widgets, Ltd', domain: 'acme.example' },
  });
  const { createOrganisation: muller } = await user.ok(CreateOrganisationDocument, {
    input: { name: 'Müller & Söhne GmbH' },
  });
  const people = [
    {
      firstName: 'Zoë',
      lastName: "O'Brien, Jr",
      email: 'Zoe.OBrien@Acme.example',
      phone: '+44 20 7946 0958',
      title: 'Head of Platform; EMEA',
      linkedinUrl: 'https://www.linkedin.com/in/zoe-obrien',
      organisationId: acme.id,
      notes: 'Met at a meetup.\nLikes long walks; \\ backslashes, and commas.',
    },
    { firstName: '李', lastName: '小龍', email: 'li@muller.example', organisationId: muller.id, title: 'CTO' },
    { firstName: 'Ana', lastName: 'Ruiz', linkedinUrl: 'https://www.linkedin.com/in/ana-ruiz' },
    { firstName: 'Prince' },
  ];
  for (const input of people) await user.ok(CreateContactDocument, { input });
}

const contactsOf = async (user: SignedInUser) =>
  (await user.ok(ImportedContactsDocument)).contacts.edges.map(({ node: c }) => ({
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    title: c.title,
    linkedinUrl: c.linkedinUrl,
    notes: c.notes,
    organisation: c.organisation?.name ?? null,
  }));
const organisationsOf = async (user: SignedInUser) =>
  (await user.ok(OrganisationsDocument, { first: 100 })).organisations.edges.map((e) => e.node.name).sort();

it('gives a fresh account the same contacts and organisations when it imports an export', async () => {
  const ada = await signedInUser(app.url, { name: 'Ada Lovelace' });
  const bob = await signedInUser(app.url, { name: 'Bob Kahn' });
  await network(ada);

  const { vcardUrl } = (await ada.ok(ExportDataDocument)).exportData;
  const res = await fetch(vcardUrl.replace('https://rapport.example.test', app.url));
  expect(res.status).toBe(200);
  const content = await res.text();

  const first = (await bob.ok(ImportContactsDocument, { input: { format: 'VCARD', content, dryRun: false } }))
    .importContacts;
  expect(first).toMatchObject({ created: 4, updated: 0, duplicates: 0, skipped: 0, errorCount: 0 });
  expect(await contactsOf(bob)).toEqual(await contactsOf(ada));
  expect(await organisationsOf(bob)).toEqual(await organisationsOf(ada));

  // The same file again changes nothing: every card matches the contact it made.
  const again = (await bob.ok(ImportContactsDocument, { input: { format: 'VCARD', content, dryRun: false } }))
    .importContacts;
  expect(again).toMatchObject({ created: 0, updated: 0, duplicates: 4, errorCount: 0 });
  expect(await contactsOf(bob)).toEqual(await contactsOf(ada));
});
