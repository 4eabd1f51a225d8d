import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { CreateContactDocument, ImportContactsDocument } from '../generated/graphql';
import { CONNECTIONS, linkedinCsv } from './fixtures';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ IMPORT_MAX_CONTACTS_PER_USER: '6' });
});
afterAll(() => app.close());

it('refuses, whole and in a dry run too, an import that would pass the per-user contact limit', async () => {
  const ada = await signedInUser(app.url);
  await ada.ok(CreateContactDocument, { input: { firstName: 'One' } });
  await ada.ok(CreateContactDocument, { input: { firstName: 'Two' } });
  const content = linkedinCsv(CONNECTIONS); // 5 new people: 7 > 6
  for (const dryRun of [true, false]) {
    const error = errorOf(
      await ada.run(ImportContactsDocument, { input: { format: 'LINKEDIN_CSV', content, dryRun } }),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.content' }] });
  }
  const [{ n }] = await app.infra.ds.query(`SELECT count(*)::int AS n FROM contacts WHERE user_id = $1`, [ada.user.id]);
  expect(n).toBe(2);

  // Within the limit it goes through; at the limit, a file of people already there still matches.
  const four = linkedinCsv(CONNECTIONS.slice(0, 4));
  const first = await ada.ok(ImportContactsDocument, {
    input: { format: 'LINKEDIN_CSV', content: four, dryRun: false },
  });
  expect(first.importContacts.created).toBe(4);
  const again = await ada.ok(ImportContactsDocument, {
    input: { format: 'LINKEDIN_CSV', content: four, dryRun: false },
  });
  expect(again.importContacts).toMatchObject({ created: 0, duplicates: 4 });
});
