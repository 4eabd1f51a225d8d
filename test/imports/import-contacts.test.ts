import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CreateContactDocument,
  CreateOrganisationDocument,
  ImportContactsDocument,
  ImportedContactsDocument,
  type CreateContactInput,
  type ImportContactsInput,
} from '../generated/graphql';
import { androidVcard, CONNECTIONS, googleCsv, iosVcard, linkedinCsv, outlookCsv } from './fixtures';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const importAs = async (user: SignedInUser, input: ImportContactsInput) =>
  (await user.ok(ImportContactsDocument, { input })).importContacts;

const counts = async (user: SignedInUser) => {
  const [row] = await app.infra.ds.query(
    `SELECT (SELECT count(*)::int FROM contacts WHERE user_id = $1) AS contacts,
            (SELECT count(*)::int FROM organisations WHERE user_id = $1) AS organisations`,
    [user.user.id],
  );
  return row as { contacts: number; organisations: number };
};

const allContacts = async (user: SignedInUser) =>
  (await user.ok(ImportedContactsDocument)).contacts.edges.map((e) => e.node);

const withoutIds = <T extends { contacts: { contactId?: string | null }[] }>(result: T) => ({
  ...result,
  dryRun: undefined,
  contacts: result.contacts.map((c) => ({ ...c, contactId: undefined })),
});

describe('LinkedIn Connections.csv', () => {
  it('reads the file past its notes, creates each person once and matches organisations by name', async () => {
    const ada = await signedInUser(app.url);
    const result = await importAs(ada, { format: 'LINKEDIN_CSV', content: linkedinCsv(CONNECTIONS), dryRun: false });
    expect(result).toMatchObject({ created: 5, updated: 0, duplicates: 0, skipped: 0, errorCount: 0, errors: [] });
    // "sorbonne " is Sorbonne and "Analytical  Engines" is Analytical Engines.
    expect(result.organisationsCreated).toBe(3);
    expect(result.contacts.map((c) => [c.line, c.action, c.fullName])).toEqual([
      [5, 'CREATED', 'Ada Lovelace'],
      [6, 'CREATED', 'Grace Hopper'],
      [7, 'CREATED', 'Marie Curie'],
      [8, 'CREATED', 'Pierre Curie'],
      [9, 'CREATED', 'Zoë Ünal-Çelik'],
    ]);
    const contacts = await allContacts(ada);
    expect(contacts.find((c) => c.firstName === 'Ada')).toMatchObject({
      email: 'ada@engines.example',
      title: 'Programmer',
      linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace',
      organisation: { name: 'Analytical Engines' },
    });
    expect(contacts.find((c) => c.firstName === 'Grace')?.title).toBe('Rear Admiral, "Amazing Grace"');
    // "Connected On" is kept as a date; one the file writes some other way is left out, not the person.
    expect(contacts.find((c) => c.firstName === 'Ada')?.connectedOn).toBe('2024-01-12');
    expect(contacts.find((c) => c.firstName === 'Grace')?.connectedOn).toBe('2019-12-09');
    expect(contacts.find((c) => c.firstName === 'Marie')?.connectedOn).toBeNull();
    expect(contacts.find((c) => c.firstName === 'Zoë')?.organisation?.name).toBe('Analytical Engines');
    expect(contacts.find((c) => c.firstName === 'Pierre')?.organisation?.name).toBe('Sorbonne');

    // The same file again creates nothing.
    const again = await importAs(ada, { format: 'LINKEDIN_CSV', content: linkedinCsv(CONNECTIONS), dryRun: false });
    expect(again).toMatchObject({ created: 0, updated: 0, duplicates: 5, organisationsCreated: 0, errorCount: 0 });
    expect(await counts(ada)).toEqual({ contacts: 5, organisations: 3 });
  });

  it('matches existing contacts by case-folded email, by normalised profile URL and by name at the organisation', async () => {
    const ada = await signedInUser(app.url);
    const { createOrganisation: sorbonne } = await ada.ok(CreateOrganisationDocument, {
      input: { name: 'SORBONNE', website: 'https://www.sorbonne.example' },
    });
    const created = async (input: CreateContactInput) => (await ada.ok(CreateContactDocument, { input })).createContact;
    const byEmail = await created({ firstName: 'Augusta', email: 'ADA@engines.EXAMPLE' });
    const byUrl = await created({ firstName: 'G.', linkedinUrl: 'https://linkedin.com/in/Grace-Hopper-1906/?trk=abc' });
    const byName = await created({ firstName: 'marie', lastName: 'CURIE', organisationId: sorbonne.id });

    const result = await importAs(ada, { format: 'LINKEDIN_CSV', content: linkedinCsv(CONNECTIONS), dryRun: false });
    expect(result).toMatchObject({ created: 2, updated: 3, duplicates: 0, organisationsCreated: 2 });
    const outcome = (line: number) => result.contacts.find((c) => c.line === line);
    expect(outcome(5)).toMatchObject({ action: 'UPDATED', contactId: byEmail.id });
    expect(outcome(6)).toMatchObject({ action: 'UPDATED', contactId: byUrl.id });
    expect(outcome(7)).toMatchObject({ action: 'UPDATED', contactId: byName.id });
    // Empty fields were filled; what the user had typed was kept.
    const contacts = await allContacts(ada);
    expect(contacts.find((c) => c.id === byEmail.id)).toMatchObject({
      firstName: 'Augusta',
      lastName: 'Lovelace',
      linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace',
      title: 'Programmer',
    });
    expect(contacts.find((c) => c.id === byUrl.id)).toMatchObject({
      firstName: 'G.',
      organisation: { name: 'US Navy' },
    });
    expect(contacts.find((c) => c.firstName === 'Pierre')?.organisation?.id).toBe(sorbonne.id);
  });

  it('a dry run answers exactly what the real run then does, and writes nothing', async () => {
    const ada = await signedInUser(app.url);
    await ada.ok(CreateContactDocument, { input: { firstName: 'Ada', email: 'ada@engines.example' } });
    const input = { format: 'LINKEDIN_CSV' as const, content: linkedinCsv(CONNECTIONS) };
    const before = await counts(ada);
    const dry = await importAs(ada, { ...input, dryRun: true });
    expect(await counts(ada)).toEqual(before);
    expect(dry.dryRun).toBe(true);
    expect(dry.contacts.filter((c) => c.action === 'CREATED').every((c) => c.contactId === null)).toBe(true);
    const real = await importAs(ada, { ...input, dryRun: false });
    expect(withoutIds(real)).toEqual(withoutIds(dry));
    expect(await counts(ada)).toEqual({ contacts: 5, organisations: 3 });
  });

  it('keeps users apart: another user importing the same people creates their own', async () => {
    const ada = await signedInUser(app.url);
    const bob = await signedInUser(app.url);
    await importAs(ada, { format: 'LINKEDIN_CSV', content: linkedinCsv(CONNECTIONS), dryRun: false });
    const result = await importAs(bob, { format: 'LINKEDIN_CSV', content: linkedinCsv(CONNECTIONS), dryRun: false });
    expect(result).toMatchObject({ created: 5, duplicates: 0, organisationsCreated: 3 });
    expect(await counts(ada)).toEqual({ contacts: 5, organisations: 3 });
  });

  it('takes a connection day on a contact only as a real date, naming the field otherwise', async () => {
    const ada = await signedInUser(app.url);
    const refused = await ada.run(CreateContactDocument, { input: { firstName: 'Ada', connectedOn: '2023-02-30' } });
    expect(errorOf(refused).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.connectedOn' }],
    });
    const { createContact } = await ada.ok(CreateContactDocument, {
      input: { firstName: 'Ada', connectedOn: '2023-02-28' },
    });
    expect((await allContacts(ada)).find((c) => c.id === createContact.id)?.connectedOn).toBe('2023-02-28');
  });

  it('refuses a file without the LinkedIn header, naming the field', async () => {
    const ada = await signedInUser(app.url);
    const error = errorOf(
      await ada.run(ImportContactsDocument, {
        input: { format: 'LINKEDIN_CSV', content: 'a,b\n1,2\n', dryRun: false },
      }),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.content' }] });
  });
});

describe('CSV with known headers or a column map', () => {
  it('imports an Outlook export: multi-line fields, blank rows skipped, a bad row reported by line', async () => {
    const ada = await signedInUser(app.url);
    const result = await importAs(ada, { format: 'CSV', content: outlookCsv(), dryRun: false });
    expect(result).toMatchObject({ created: 2, skipped: 1, errorCount: 1 });
    expect(result.errors).toEqual([{ line: 6, message: 'has an email address that is not valid' }]);
    const contacts = await allContacts(ada);
    expect(contacts.map((c) => c.fullName)).toEqual(['Dorothy Vaughan', 'Katherine Johnson']);
    expect(contacts[0]).toMatchObject({ email: 'dvaughan@nasa.example', phone: '+1 757 555 0101' });
    expect(contacts[1]).toMatchObject({ title: 'Mathematician', linkedinUrl: null, organisation: { name: 'NASA' } });

    // Google's export of the same person matches by email; its other person is new.
    const google = await importAs(ada, { format: 'CSV', content: googleCsv(), dryRun: false });
    expect(google).toMatchObject({ created: 1, duplicates: 1, organisationsCreated: 1, errorCount: 0 });
    const tim = (await allContacts(ada)).find((c) => c.firstName === 'Tim');
    expect(tim).toMatchObject({
      lastName: 'Berners-Lee',
      email: 'timbl@w3.example',
      title: 'Director',
      linkedinUrl: 'https://www.linkedin.com/in/timbl',
      organisation: { name: 'W3C' },
    });
  });

  it('follows a column map, matching organisations by domain', async () => {
    const ada = await signedInUser(app.url);
    await ada.ok(CreateOrganisationDocument, { input: { name: 'Acme Corporation', website: 'https://acme.example' } });
    const content = [
      'Vorname;Nachname;E-Mail;Firma;Web',
      'Jörg;Müller;JM@acme.example;ACME GmbH;https://www.acme.example/de',
    ].join('\n');
    const semicolons = content.replace(/;/g, ',');
    const result = await importAs(ada, {
      format: 'CSV',
      content: semicolons,
      dryRun: false,
      columnMap: [
        { column: 'Vorname', field: 'FIRST_NAME' },
        { column: 'Nachname', field: 'LAST_NAME' },
        { column: 'e-mail', field: 'EMAIL' },
        { column: 'Firma', field: 'ORGANISATION' },
        { column: 'Web', field: 'ORGANISATION_DOMAIN' },
      ],
    });
    expect(result).toMatchObject({ created: 1, organisationsCreated: 0 });
    expect((await allContacts(ada))[0]).toMatchObject({
      fullName: 'Jörg Müller',
      email: 'jm@acme.example',
      organisation: { name: 'Acme Corporation' },
    });

    const unknown = errorOf(
      await ada.run(ImportContactsDocument, {
        input: { format: 'CSV', content: semicolons, dryRun: false, columnMap: [{ column: 'Nope', field: 'EMAIL' }] },
      }),
    );
    expect(unknown.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.columnMap' }] });
  });

  it('reports a malformed record and a too-long field by line and imports the rest', async () => {
    const ada = await signedInUser(app.url);
    const content = [
      'First Name,Last Name,Email',
      'Alan,Turing,alan@bletchley.example',
      `${'X'.repeat(101)},Long,long@example.test`,
      'Bad,"Quote"x,bad@example.test',
      'Joan,Clarke,joan@bletchley.example',
      '',
    ].join('\n');
    const result = await importAs(ada, { format: 'CSV', content, dryRun: false });
    expect(result.created).toBe(2);
    expect(result.errors.map((e) => e.line)).toEqual([3, 4]);
    expect(result.errors[0].message).toBe('has a first name longer than 100 characters');
  });
});

describe('vCard', () => {
  it('imports iOS (3.0, folded, pref email) and Android (2.1, quoted-printable) cards', async () => {
    const ada = await signedInUser(app.url);
    const ios = await importAs(ada, { format: 'VCARD', content: iosVcard(), dryRun: false });
    expect(ios).toMatchObject({ created: 2, errorCount: 0 });
    const android = await importAs(ada, { format: 'VCARD', content: androidVcard(), dryRun: false });
    expect(android).toMatchObject({ created: 2, skipped: 1, errorCount: 0 });
    expect(android.contacts.map((c) => c.line)).toEqual([1, 17]);

    const contacts = await allContacts(ada);
    expect(contacts.find((c) => c.firstName === 'Margaret')).toMatchObject({
      lastName: 'Hamilton',
      email: 'mhamilton@mit.example',
      phone: '+1 (617) 555-0199',
      title: 'Director of Software Engineering',
      linkedinUrl: 'https://www.linkedin.com/in/margaret-hamilton',
      notes: 'Wrote the Apollo guidance software. Ask about error detection and recovery, and how the team tested it.',
      organisation: { name: 'MIT Instrumentation Laboratory' },
    });
    expect(contacts.find((c) => c.firstName === 'Georges')).toMatchObject({
      lastName: 'Lemaître',
      email: 'georges@lemaitre.example',
      notes: 'Proposed the expanding universe; ask about the primeval atom.',
      organisation: { name: 'Université catholique de Louvain' },
    });
    expect(contacts.find((c) => c.firstName === 'Zoë')?.lastName).toBe('Ünal-Çelik');
  });

  it('matches a card to a LinkedIn connection by name at the same organisation', async () => {
    const ada = await signedInUser(app.url);
    await importAs(ada, { format: 'LINKEDIN_CSV', content: linkedinCsv(CONNECTIONS), dryRun: false });
    const result = await importAs(ada, { format: 'VCARD', content: iosVcard(), dryRun: false });
    expect(result.contacts.map((c) => [c.fullName, c.action])).toEqual([
      ['Margaret Hamilton', 'CREATED'],
      ['Zoë Ünal-Çelik', 'DUPLICATE'],
    ]);
  });

  it('reports a broken card at its BEGIN line and keeps the others', async () => {
    const ada = await signedInUser(app.url);
    const content = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Ok Person',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:No End',
      '',
    ].join('\r\n');
    const result = await importAs(ada, { format: 'VCARD', content, dryRun: false });
    expect(result).toMatchObject({ created: 1, errors: [{ line: 5, message: 'has no END:VCARD' }] });
  });
});

describe('all or nothing', () => {
  it('a failure while writing leaves nothing behind', async () => {
    const ada = await signedInUser(app.url);
    // A database that fails on the 600th contact, in the second batch of inserts.
    await app.infra.ds.query(`
      CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.first_name = 'Boom' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`);
    await app.infra.ds.query(
      `CREATE TRIGGER refuse_boom BEFORE INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION refuse_boom()`,
    );
    try {
      const rows = Array.from({ length: 700 }, (_, i) => ({
        first: i === 599 ? 'Boom' : `P${i}`,
        last: 'X',
        url: `https://www.linkedin.com/in/p-${i}`,
        company: `Org ${i % 10}`,
        position: 'Engineer',
      }));
      const response = await ada.run(ImportContactsDocument, {
        input: { format: 'LINKEDIN_CSV', content: linkedinCsv(rows), dryRun: false },
      });
      expect(errorOf(response).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(response.errors)).not.toMatch(/disk full|INSERT/);
      expect(await counts(ada)).toEqual({ contacts: 0, organisations: 0 });
    } finally {
      await app.infra.ds.query(`DROP TRIGGER refuse_boom ON contacts`);
      await app.infra.ds.query(`DROP FUNCTION refuse_boom()`);
    }
  });
});
