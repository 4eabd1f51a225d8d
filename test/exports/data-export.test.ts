import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EXPORT_EXCLUSIONS, EXPORT_SECTIONS } from '../../src/modules/exports/export-plan';
import { ExportFormat, exportLinkToken, exportLinkUrl } from '../../src/modules/exports/export-link';
import { CreateContactDocument, DismissDuplicateContactsDocument, ExportDataDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { exportLinks, richAccount } from './export-fixtures';

let app: TestApp;
let ada: SignedInUser;
let bob: SignedInUser;
beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL: 'https://rapport.example.test' });
  ada = await signedInUser(app.url, { name: 'Ada Lovelace' });
  bob = await signedInUser(app.url, { name: 'Bob Kahn' });
  const { contact } = await richAccount(ada);
  await richAccount(bob);
  // A pair Ada said are two people (the one section richAccount leaves empty: it has one contact).
  const { createContact: namesake } = await ada.ok(CreateContactDocument, { input: { firstName: 'Zoë' } });
  await ada.ok(DismissDuplicateContactsDocument, { contactId: contact.id, otherContactId: namesake.id });
});
afterAll(() => app.close());

const schema = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'docs', 'export.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/** The API hands out https://rapport.example.test/…; the test server listens on loopback. */
const local = (url: string) => url.replace('https://rapport.example.test', app.url);
/** Fetches and reads the whole body, so no connection is left half-read. */
async function fetched(url: string): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const download = (url: string) => fetched(local(url));
type ExportDocument = Record<string, unknown> & { user: Record<string, unknown> };
async function exportOf(user: SignedInUser): Promise<ExportDocument> {
  const res = await download((await exportLinks(user)).jsonUrl);
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as ExportDocument;
}

describe('exportData', () => {
  it('needs a signed-in user', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { exportData { jsonUrl } }' }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await ada.run(ExportDataDocument)).errors).toBeUndefined();
  });

  it('links to a JSON download that validates against docs/export.schema.json', async () => {
    const links = await exportLinks(ada);
    expect(new Date(links.expiresAt).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const res = await download(links.jsonUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="rapport-export-\d{4}-\d\d-\d\d\.json"$/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const doc = JSON.parse(res.text);
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc).toMatchObject({ format: 'rapport-export', version: schema.properties.version.const });
  });

  it('holds every row the user owns, in every table with a user_id, and nobody else’s', async () => {
    const doc = await exportOf(ada);
    expect(doc.user).toMatchObject({ id: ada.user.id, email: ada.user.email, name: 'Ada Lovelace', locale: 'en-GB' });
    for (const section of EXPORT_SECTIONS) {
      const rows = doc[section.key] as { id: string }[];
      const ids: { id: string }[] = await app.infra.ds.query(
        `SELECT id FROM "${section.table}" WHERE user_id = $1 ORDER BY id`,
        [ada.user.id],
      );
      expect({ section: section.key, ids: rows.map((r) => r.id).sort() }).toEqual({
        section: section.key,
        ids: ids.map((r) => r.id).sort(),
      });
      // The fixture writes to every table, so no section is vacuously right.
      expect({ section: section.key, empty: rows.length === 0 }).toEqual({ section: section.key, empty: false });
    }
    const text = JSON.stringify(doc);
    expect(text).not.toContain(bob.user.id);
    expect(text).not.toContain(bob.user.email);
    expect(text).not.toMatch(/passwordHash|password_hash|\$argon2/);
    expect(text).not.toMatch(/userId/);
  });

  it('covers every table that has a user_id column, or names why not (schema read from the database)', async () => {
    const tables: { table_name: string }[] = await app.infra.ds.query(
      `SELECT DISTINCT table_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name = 'user_id' ORDER BY table_name`,
    );
    const exported = new Set(EXPORT_SECTIONS.map((s) => s.table));
    const forgotten = tables.map((t) => t.table_name).filter((t) => !exported.has(t) && !(t in EXPORT_EXCLUSIONS));
    expect(forgotten).toEqual([]);
    // And nothing listed is stale: each section and exclusion is a real table with a user_id.
    const real = new Set(tables.map((t) => t.table_name));
    expect([...exported, ...Object.keys(EXPORT_EXCLUSIONS)].filter((t) => !real.has(t))).toEqual([]);
    // Every exported section is documented in the schema.
    expect(EXPORT_SECTIONS.map((s) => s.key).filter((k) => !(k in schema.properties))).toEqual([]);
  });

  it('streams an account larger than one page without losing or repeating a row', async () => {
    const carol = await signedInUser(app.url, { name: 'Carol' });
    await app.infra.ds.query(
      `INSERT INTO contacts (user_id, first_name, last_name, email)
       SELECT $1, 'Person', 'N' || i, 'p' || i || '@bulk.example' FROM generate_series(1, 1234) AS i`,
      [carol.user.id],
    );
    const doc = await exportOf(carol);
    expect(validate(doc)).toBe(true);
    const contacts = doc.contacts as { id: string; lastName: string }[];
    expect(contacts).toHaveLength(1234);
    expect(new Set(contacts.map((c) => c.id)).size).toBe(1234);
    expect(new Set(contacts.map((c) => c.lastName)).size).toBe(1234);
  });
});

describe('export links', () => {
  const key = () => app.http.services.dataExports.linkSigningKey;
  const linkFor = (userId: string, issuedAt: number, format = ExportFormat.JSON) =>
    local(exportLinkUrl(app.config.http.publicUrl, exportLinkToken({ format, userId, issuedAt }, key())));

  it('refuses a link whose user, format or signature was changed', async () => {
    const { jsonUrl } = await exportLinks(ada);
    const forged = [
      jsonUrl.replace(ada.user.id, bob.user.id),
      jsonUrl.replace('/export/json.', '/export/vcf.'),
      jsonUrl.slice(0, -2) + (jsonUrl.endsWith('AA') ? 'AB' : 'AA'),
      `${app.url}/export/json`,
    ];
    for (const url of forged) {
      const res = await download(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.text).not.toContain(ada.user.email);
    }
  });

  it('stops working 15 minutes after it was made', async () => {
    expect((await fetched(linkFor(ada.user.id, Date.now() - 14 * 60_000))).status).toBe(200);
    expect((await fetched(linkFor(ada.user.id, Date.now() - 16 * 60_000))).status).toBe(404);
    expect((await fetched(linkFor(ada.user.id, Date.now() + 10 * 60_000))).status).toBe(404);
  });

  it('stops working when the account is suspended, or its access revoked after the link was made', async () => {
    const dave = await signedInUser(app.url, { name: 'Dave' });
    const before = await exportLinks(dave);
    expect((await download(before.vcardUrl)).status).toBe(200);
    await app.infra.ds.query('UPDATE users SET suspended_at = now() WHERE id = $1', [dave.user.id]);
    for (const url of [before.jsonUrl, before.vcardUrl, before.icsUrl]) expect((await download(url)).status).toBe(404);
    // Reinstated: links made before the suspension stay dead; a fresh one works.
    await app.infra.ds.query('UPDATE users SET suspended_at = NULL WHERE id = $1', [dave.user.id]);
    expect((await download(before.jsonUrl)).status).toBe(404);
    expect((await fetched(linkFor(dave.user.id, Date.now()))).status).toBe(200);
    await app.infra.ds.query('DELETE FROM users WHERE id = $1', [dave.user.id]);
    expect((await fetched(linkFor(dave.user.id, Date.now()))).status).toBe(404);
  });

  it('lets a user run one download at a time', async () => {
    const release = app.http.services.dataExports.startDownload(ada.user.id)!;
    try {
      const res = await download((await exportLinks(ada)).jsonUrl);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('30');
      expect((await download((await exportLinks(bob)).jsonUrl)).status).toBe(200);
    } finally {
      release();
    }
    expect((await download((await exportLinks(ada)).jsonUrl)).status).toBe(200);
  });
});
