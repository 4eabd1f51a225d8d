import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { ConfigError, loadConfig } from '../../config';
import { searchWithDocumentId, withDocumentId } from '../persisted-queries';
import { loadTrustedDocuments, sha256Hex } from '../trusted-documents';

const schema = buildSchema('type Query { me: String, version: Int }');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-trusted-'));
const file = (name: string, content: unknown) => {
  const at = path.join(dir, name);
  writeFileSync(at, typeof content === 'string' ? content : JSON.stringify(content));
  return at;
};
const problems = (paths: string[]) => {
  try {
    loadTrustedDocuments(paths, schema, 'TRUSTED_DOCUMENTS');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

const ME = 'query Me { me }';
const VERSION = 'query Version { version }';

it('merges manifests keyed by sha256:<hex> or bare hex, and finds a document by either form', () => {
  const web = file('web.json', { [`sha256:${sha256Hex(ME)}`]: ME });
  const mobile = file('mobile.json', { [sha256Hex(VERSION)]: VERSION });
  const trusted = loadTrustedDocuments([web, mobile], schema, 'TRUSTED_DOCUMENTS');
  expect(trusted.size).toBe(2);
  expect(trusted.get(sha256Hex(ME))).toBe(ME);
  expect(trusted.get(`sha256:${sha256Hex(VERSION)}`)).toBe(VERSION);
  expect(trusted.has(sha256Hex('query Other { me }'))).toBe(false);
  expect(trusted.has(undefined)).toBe(false);
});

it('names every problem: unreadable or non-object files, bad hashes, wrong hashes, invalid documents', () => {
  const found = problems([
    path.join(dir, 'absent.json'),
    file('array.json', [ME]),
    file('broken.json', '{"a":'),
    file('entries.json', {
      md5ish: ME,
      [sha256Hex('something else')]: ME,
      [sha256Hex('query Bad { nope }')]: 'query Bad { nope }',
      [sha256Hex('query {')]: 'query {',
      [sha256Hex(ME)]: 42,
    }),
  ]);
  expect(found).toEqual([
    expect.stringMatching(/^TRUSTED_DOCUMENTS: cannot read .*absent\.json as JSON/),
    expect.stringMatching(/array\.json must be a JSON object of sha256 hash → document$/),
    expect.stringMatching(/^TRUSTED_DOCUMENTS: cannot read .*broken\.json as JSON/),
    expect.stringMatching(/entries\.json: key md5ish is not a sha256 hash/),
    expect.stringMatching(/is not the sha256 of its document$/),
    expect.stringMatching(/Bad does not validate against the schema: Cannot query field "nope"/),
    expect.stringMatching(/does not parse/),
    expect.stringMatching(/does not map to a document string$/),
  ]);
});

it('TRUSTED_DOCUMENTS_ONLY needs at least one manifest', () => {
  const required = {
    DATABASE_URL: 'postgres://localhost/r',
    REDIS_URL: 'redis://localhost',
    JWT_SECRET: 'x'.repeat(32),
  };
  expect(() => loadConfig({ ...required, TRUSTED_DOCUMENTS_ONLY: 'true' })).toThrow(
    /TRUSTED_DOCUMENTS must list at least one manifest when TRUSTED_DOCUMENTS_ONLY=true/,
  );
  const config = loadConfig({ ...required, TRUSTED_DOCUMENTS: 'a.json, b.json', TRUSTED_DOCUMENTS_ONLY: 'true' });
  expect(config.graphql.trustedDocuments).toEqual({ paths: ['a.json', 'b.json'], only: true });
  expect(config.graphql.apq).toEqual({ ttlSeconds: 3600, maxDocumentBytes: 16_384, registrationsPerIpPerHour: 300 });
  expect(loadConfig({ ...required, APQ_ENABLED: 'false' }).graphql.apq).toBeNull();
});

it('turns a documentId into the persisted-query extension Apollo reads, in a body or a query string', () => {
  const hex = sha256Hex(ME);
  expect(withDocumentId({ documentId: `sha256:${hex}`, variables: { a: 1 } })).toEqual({
    variables: { a: 1 },
    extensions: { persistedQuery: { version: 1, sha256Hash: hex } },
  });
  expect(withDocumentId({ query: ME })).toEqual({ query: ME });
  const search = searchWithDocumentId(`?documentId=${hex}&variables=%7B%7D`);
  const params = new URLSearchParams(search);
  expect(params.get('documentId')).toBeNull();
  expect(JSON.parse(params.get('extensions')!)).toEqual({ persistedQuery: { version: 1, sha256Hash: hex } });
  expect(params.get('variables')).toBe('{}');
  expect(searchWithDocumentId('?query=%7Bme%7D')).toBe('?query=%7Bme%7D');
});
