import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { ContactsDocument, CreateContactDocument, type ContactSort, type ContactsQuery } from '../generated/graphql';

let app: TestApp;
let ada: SignedInUser;
const originals = new Set<string>();

beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
  // 120 contacts, inserted in one statement for speed, with names and times that collide
  // (the id must break ties for the walk to be stable).
  const rows: { id: string }[] = await app.infra.ds.query(
    `INSERT INTO contacts (user_id, first_name, last_name, created_at)
     SELECT $1, 'Person', lpad((i % 40)::text, 3, '0'), now() - (i / 3) * interval '1 minute'
     FROM generate_series(1, 120) AS i
     RETURNING id`,
    [ada.user.id],
  );
  rows.forEach((r) => originals.add(r.id));
});
afterAll(() => app.close());

async function walk(sort: ContactSort, pageSize: number, between: (page: number) => Promise<void>) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const { contacts }: ContactsQuery = await ada.ok(ContactsDocument, { first: pageSize, after, sort });
    seen.push(...contacts.edges.map((e) => e.node.id));
    if (!contacts.pageInfo.hasNextPage) return seen;
    after = contacts.pageInfo.endCursor;
    await between(page);
  }
  throw new Error('pagination did not end');
}

describe.each<ContactSort>(['NAME_ASC', 'CREATED_AT_ASC', 'CREATED_AT_DESC', 'LAST_CONTACTED_AT_ASC'])(
  'walking 120 contacts by %s',
  (sort) => {
    it('sees every existing contact exactly once while new ones are inserted between pages', async () => {
      let n = 0;
      const seen = await walk(sort, 25, async () => {
        // New contacts that sort before, among and after the page boundary.
        for (const lastName of ['000', '020', 'zzz']) {
          await ada.ok(CreateContactDocument, {
            input: { firstName: 'Person', lastName: `${lastName}-${sort}-${n++}` },
          });
        }
      });
      expect(new Set(seen).size).toBe(seen.length); // no repetition
      const seenOriginals = seen.filter((id) => originals.has(id));
      expect(new Set(seenOriginals)).toEqual(originals); // no loss
    });
  },
);

describe('page arguments', () => {
  it('reports totalCount and enforces the maximum page size, naming the argument', async () => {
    const { contacts } = await ada.ok(ContactsDocument, { first: 100 });
    expect(contacts.edges).toHaveLength(100);
    expect(contacts.totalCount).toBeGreaterThanOrEqual(120);
    const res = await ada.run(ContactsDocument, { first: 101 });
    expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'first' }] });
    const zero = await ada.run(ContactsDocument, { first: 0 });
    expect(errorOf(zero).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor that was not issued by the list', async () => {
    for (const after of ['garbage', Buffer.from('["x","not-a-uuid"]').toString('base64url')]) {
      const res = await ada.run(ContactsDocument, { after });
      expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'after' }] });
    }
  });

  it('ends with an empty page info when nothing matches', async () => {
    const { contacts } = await ada.ok(ContactsDocument, { filter: { search: 'nobody-matches-this' } });
    expect(contacts).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});
