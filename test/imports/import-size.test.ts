import { request } from 'node:http';
import { print } from 'graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { eventually } from '../helpers/eventually';
import { errorOf, postRaw } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';
import { CreateContactDocument, ImportContactsDocument, type ImportContactsMutation } from '../generated/graphql';
import { linkedinCsv, manyConnections } from './fixtures';

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
});
afterAll(() => app.close());

const importBody = (content: string) => ({
  query: print(ImportContactsDocument),
  variables: { input: { format: 'LINKEDIN_CSV', content, dryRun: false } },
});

describe('a whole LinkedIn network in one request', () => {
  it('imports 20,000 connections (a 5 MB file) through /graphql/import in batched statements', async () => {
    const content = linkedinCsv(manyConnections(20_000));
    expect(content.length).toBeGreaterThan(4_500_000);

    // The general endpoint keeps its small body limit.
    const general = await postRaw(app.url, importBody(content), { token: ada.token });
    expect(general.status).toBe(413);

    let response!: Awaited<ReturnType<typeof postRaw<ImportContactsMutation>>>;
    const statements = await sql.during(async () => {
      response = await postRaw<ImportContactsMutation>(app.url, importBody(content), {
        token: ada.token,
        path: '/graphql/import',
      });
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.importContacts).toMatchObject({ created: 20_000, organisationsCreated: 500, errorCount: 0 });
    // 500 rows per statement: 40 for the contacts, 1 for the organisations, not one per row.
    const inserts = statements.filter((q) => /^\s*INSERT INTO (contacts|organisations)/i.test(q));
    expect(inserts).toHaveLength(41);
    const [{ count }] = await app.infra.ds.query(`SELECT count(*)::int AS count FROM contacts WHERE user_id = $1`, [
      ada.user.id,
    ]);
    expect(count).toBe(20_000);
  });

  it('refuses more than 25,000 contacts in one file as a whole, naming the field', async () => {
    const bob = await signedInUser(app.url);
    const rows = Array.from({ length: 25_001 }, (_, i) => ({
      first: `F${i}`,
      last: 'L',
      url: '',
      company: '',
      position: '',
    }));
    const response = await postRaw(app.url, importBody(linkedinCsv(rows)), {
      token: bob.token,
      path: '/graphql/import',
    });
    expect(errorOf(response).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.content' }],
    });
    const [{ count }] = await app.infra.ds.query(`SELECT count(*)::int AS count FROM contacts WHERE user_id = $1`, [
      bob.user.id,
    ]);
    expect(count).toBe(0);
  });
});

describe('/graphql/import is for importContacts alone', () => {
  it('refuses any other document, and a request without credentials before reading its body', async () => {
    const other = await postRaw(
      app.url,
      { query: print(CreateContactDocument), variables: { input: { firstName: 'Sneaky' } } },
      { token: ada.token, path: '/graphql/import' },
    );
    expect(other.status).toBe(400);

    const twoFields = await postRaw(
      app.url,
      {
        query: `mutation { importContacts(input: {format: CSV, content: "a", dryRun: true}) { created } createContact(input: {firstName: "X"}) { id } }`,
      },
      { token: ada.token, path: '/graphql/import' },
    );
    expect(twoFields.status).toBe(400);

    const query = await postRaw(app.url, { query: '{ me { id } }' }, { token: ada.token, path: '/graphql/import' });
    expect(query.status).toBe(400);

    const anonymous = await postRaw(app.url, importBody('First Name\nA\n'), { path: '/graphql/import' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    // The token is verified before the body is read, not only its shape.
    const forged = await postRaw(app.url, importBody('First Name\nA\n'), { token: 'forged', path: '/graphql/import' });
    expect(forged.status).toBe(401);
  });

  it('takes one large request per user at a time, so a trickled upload cannot hold every slot', async () => {
    const dave = await signedInUser(app.url);
    const erin = await signedInUser(app.url);
    // Dave starts an upload and never finishes it.
    const held = request(`${app.url}/graphql/import`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${dave.token}`,
        'content-length': '100000',
      },
    });
    held.on('error', () => {});
    held.write('{"query":"mutation');
    try {
      const small = importBody(linkedinCsv(manyConnections(3)));
      // Once the server is reading Dave's body, his next request is refused and Erin's is not.
      await eventually(() => app.http.inFlight() === 1, { what: "Dave's upload in flight" });
      const again = await postRaw(app.url, small, { token: dave.token, path: '/graphql/import' });
      expect(again.status).toBe(429);
      expect(again.headers.get('retry-after')).toBe('5');
      const other = await postRaw<ImportContactsMutation>(app.url, small, {
        token: erin.token,
        path: '/graphql/import',
      });
      expect(other.data?.importContacts.created).toBe(3);
    } finally {
      held.destroy();
    }
  });

  it('still answers a small import on /graphql', async () => {
    const carol = await signedInUser(app.url);
    const content = linkedinCsv(manyConnections(10));
    const response = await postRaw<ImportContactsMutation>(app.url, importBody(content), { token: carol.token });
    expect(response.data?.importContacts.created).toBe(10);
  });
});
