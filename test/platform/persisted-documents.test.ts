import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import { jitStats } from '../../src/core/graphql/jit-executor';
import { ImportContactsDocument, MeDocument, OrganisationsDocument } from '../generated/graphql';
import { adminUser } from '../helpers/admin';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, ok, postRaw } from '../helpers/graphql';
import { baseTestEnv } from '../helpers/test-env';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

const ME = print(MeDocument);
const ORGANISATIONS = print(OrganisationsDocument);
const IMPORT = print(ImportContactsDocument);
// Documents no manifest lists.
const NAME_ONLY = 'query NameOnly { me { name } }';
const EMAIL_ONLY = 'query EmailOnly { me { email } }';

let app: TestApp;
let user: SignedInUser;
let manifest: string;
const started: TestApp[] = [];

/** Another API on the same data; its own Redis key prefix when `prefix` is given. */
async function another(env: Record<string, string>, prefix?: string): Promise<TestApp> {
  const extra: Record<string, string> = prefix ? { QUEUE_PREFIX: `${baseTestEnv().QUEUE_PREFIX}-${prefix}` } : {};
  const started_ = await startTestApp({ ...env, ...extra }, { keepData: true });
  started.push(started_);
  return started_;
}

beforeAll(async () => {
  app = await startTestApp();
  user = await signedInUser(app.url);
  // A client's manifest, as the client preset writes it (`sha256:` keys) and as older tools do (bare hex).
  const normalised = 'query Me { me { id email name } }';
  manifest = path.join(mkdtempSync(path.join(os.tmpdir(), 'rapport-manifest-')), 'persisted-documents.json');
  writeFileSync(
    manifest,
    JSON.stringify({ [`sha256:${sha256(normalised)}`]: normalised, [sha256(ME)]: ME, [sha256(IMPORT)]: IMPORT }),
  );
});
afterAll(async () => {
  for (const other of started) await other.close();
  await app.close();
});

describe('automatic persisted queries', () => {
  it('asks for an unknown hash, stores the document in Redis with a TTL once sent, then runs it by hash alone', async () => {
    const hash = sha256(ME);
    const missing = await postRaw(app.url, { extensions: persisted(hash) }, { token: user.token });
    expect(errorOf(missing).extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const first = await postRaw(app.url, { query: ME, extensions: persisted(hash) }, { token: user.token });
    expect(ok(first)).toEqual({ me: expect.objectContaining({ id: user.user.id }) });
    const key = `${app.config.redis.prefix}:apq:${hash}`;
    expect(await app.infra.redis.get(key)).toBe(ME);
    const ttl = await app.infra.redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(app.config.graphql.apq!.ttlSeconds);

    const again = await postRaw(app.url, { extensions: persisted(hash) }, { token: user.token });
    expect(ok(again)).toEqual(ok(first));
  });

  it('runs a stored hash compiled by graphql-jit once it repeats, with the same answer', async () => {
    const query = 'query JitByHash { organisations(first: 3) { totalCount edges { node { id name } } } }';
    const hash = sha256(query);
    const first = ok(await postRaw(app.url, { query, extensions: persisted(hash) }, { token: user.token }));
    const before = jitStats.compiled;
    for (let i = 0; i < 3; i++) {
      expect(ok(await postRaw(app.url, { extensions: persisted(hash) }, { token: user.token }))).toEqual(first);
    }
    expect(jitStats.compiled).toBe(before + 1);
  });

  it('takes documentId (sha256:<hex> or bare hex) in a POST body or a GET query string', async () => {
    const hash = sha256(ORGANISATIONS);
    ok(await postRaw(app.url, { query: ORGANISATIONS, extensions: persisted(hash) }, { token: user.token }));
    const byPost = await postRaw<{ organisations: unknown }>(
      app.url,
      { documentId: `sha256:${hash}` },
      { token: user.token },
    );
    expect(ok(byPost).organisations).toBeDefined();
    expect(ok(await postRaw(app.url, { documentId: hash }, { token: user.token }))).toEqual(ok(byPost));

    const res = await fetch(`${app.url}/graphql?documentId=sha256:${hash}`, {
      headers: { authorization: `Bearer ${user.token}`, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: ok(byPost) });
  });

  it('refuses a hash that is not the document’s', async () => {
    const res = await postRaw(app.url, { query: ME, extensions: persisted(sha256(NAME_ONLY)) }, { token: user.token });
    expect(res.status).toBe(400);
    expect(await app.infra.redis.exists(`${app.config.redis.prefix}:apq:${sha256(NAME_ONLY)}`)).toBe(0);
  });

  it('never stores a document holding a string literal (an inline password stays out of Redis)', async () => {
    const inline =
      'mutation Inline { login(input: { email: "nobody@example.test", password: "an inline secret" }) { accessToken } }';
    const hash = sha256(inline);
    const res = await postRaw(app.url, { query: inline, extensions: persisted(hash) });
    expect(errorOf(res).extensions?.code).toBe('UNAUTHENTICATED');
    expect(await app.infra.redis.exists(`${app.config.redis.prefix}:apq:${hash}`)).toBe(0);
    const missing = await postRaw(app.url, { extensions: persisted(hash) });
    expect(errorOf(missing).extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('runs a document over APQ_MAX_DOCUMENT_BYTES but does not store it', async () => {
    const small = await another({ APQ_MAX_DOCUMENT_BYTES: '256' }, 'apq-size');
    const large = `query Large { me { id } }\n${'#'.repeat(300)}`;
    const hash = sha256(large);
    ok(await postRaw(small.url, { query: large, extensions: persisted(hash) }, { token: user.token }));
    const missing = await postRaw(small.url, { extensions: persisted(hash) }, { token: user.token });
    expect(errorOf(missing).extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // A small one is stored as usual.
    ok(await postRaw(small.url, { query: NAME_ONLY, extensions: persisted(sha256(NAME_ONLY)) }, { token: user.token }));
    ok(await postRaw(small.url, { extensions: persisted(sha256(NAME_ONLY)) }, { token: user.token }));
  });

  it('runs registrations past an address’s hourly allowance but does not store them', async () => {
    const limited = await another({ APQ_REGISTRATIONS_PER_IP_PER_HOUR: '2' }, 'apq-rate');
    const documents = [1, 2, 3].map((n) => `query Numbered${n} { me { id } }`);
    for (const query of documents) {
      ok(await postRaw(limited.url, { query, extensions: persisted(sha256(query)) }, { token: user.token }));
    }
    const codes = [];
    for (const query of documents) {
      const res = await postRaw(limited.url, { extensions: persisted(sha256(query)) }, { token: user.token });
      codes.push(res.errors?.[0]?.extensions?.code ?? 'OK');
    }
    expect(codes).toEqual(['OK', 'OK', 'PERSISTED_QUERY_NOT_FOUND']);
  });

  it('APQ_ENABLED=false without manifests: hashes are not supported, documents run as usual', async () => {
    const off = await another({ APQ_ENABLED: 'false' });
    const res = await postRaw(off.url, { extensions: persisted(sha256(ME)) }, { token: user.token });
    expect(errorOf(res).extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    ok(await postRaw(off.url, { query: ME }, { token: user.token }));
  });
});

describe('trusted documents', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await another({ TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_ONLY: 'true' }, 'strict');
  });

  it('strict: a user runs a manifest’s document by hash alone (never registered), by documentId or by its text', async () => {
    const normalised = 'query Me { me { id email name } }';
    const byHash = await postRaw<{ me: unknown }>(
      strict.url,
      { extensions: persisted(sha256(normalised)) },
      { token: user.token },
    );
    expect(ok(byHash).me).toEqual({ id: user.user.id, email: user.input.email, name: user.input.name });
    const byId = await postRaw(strict.url, { documentId: `sha256:${sha256(normalised)}` }, { token: user.token });
    expect(ok(byId)).toEqual(ok(byHash));
    ok(await postRaw(strict.url, { query: ME }, { token: user.token }));
    // Signed out too (sign-in is an operation like any other).
    const anonymous = await postRaw(strict.url, { extensions: persisted(sha256(ME)) });
    expect(errorOf(anonymous).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('strict: refuses any other document, as text or as an APQ registration, which is never stored', async () => {
    for (const token of [user.token, undefined]) {
      const asText = await postRaw(strict.url, { query: NAME_ONLY }, { token });
      expect(asText.status).toBe(400);
      expect(errorOf(asText).extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
      const registering = await postRaw(
        strict.url,
        { query: NAME_ONLY, extensions: persisted(sha256(NAME_ONLY)) },
        { token },
      );
      expect(errorOf(registering).extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    }
    expect(await strict.infra.redis.exists(`${strict.config.redis.prefix}:apq:${sha256(NAME_ONLY)}`)).toBe(0);
    // Introspection is a document like any other.
    const introspection = await postRaw(
      strict.url,
      { query: '{ __schema { queryType { name } } }' },
      { token: user.token },
    );
    expect(errorOf(introspection).extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  it('strict: an administrator sends any document (the Playground); a hash they stored stays refused to others', async () => {
    const admin = await adminUser(app);
    const registered = await postRaw<{ me: unknown }>(
      strict.url,
      { query: EMAIL_ONLY, extensions: persisted(sha256(EMAIL_ONLY)) },
      { token: admin.token },
    );
    expect(ok(registered).me).toEqual({ email: admin.input.email });
    ok(await postRaw(strict.url, { extensions: persisted(sha256(EMAIL_ONLY)) }, { token: admin.token }));
    ok(await postRaw(strict.url, { query: '{ __schema { queryType { name } } }' }, { token: admin.token }));

    const other = await postRaw(strict.url, { extensions: persisted(sha256(EMAIL_ONLY)) }, { token: user.token });
    expect(errorOf(other).extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  it('strict: an app that ships hashes only imports contacts through /graphql/import by hash', async () => {
    const variables = { input: { format: 'CSV', content: 'First Name,Last Name\nAda,Lovelace\n', dryRun: true } };
    const byHash = await postRaw<{ importContacts: { created: number } }>(
      strict.url,
      { documentId: `sha256:${sha256(IMPORT)}`, variables },
      { token: user.token, path: '/graphql/import' },
    );
    expect(ok(byHash).importContacts.created).toBe(1);
    // Another importContacts document is still refused there.
    const other = await postRaw(
      strict.url,
      {
        query: 'mutation Other($input: ImportContactsInput!) { importContacts(input: $input) { created } }',
        variables,
      },
      { token: user.token, path: '/graphql/import' },
    );
    expect(errorOf(other).extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  it('not strict: a manifest’s hashes run without registration and other documents still run', async () => {
    const open = await another({ TRUSTED_DOCUMENTS: manifest }, 'trusted-open');
    const normalised = 'query Me { me { id email name } }';
    ok(await postRaw(open.url, { extensions: persisted(sha256(normalised)) }, { token: user.token }));
    ok(await postRaw(open.url, { query: NAME_ONLY }, { token: user.token }));
    // Manifests alone, APQ off: the manifest still answers hashes; nothing else is stored.
    const manifestsOnly = await another({ TRUSTED_DOCUMENTS: manifest, APQ_ENABLED: 'false' }, 'manifests-only');
    ok(await postRaw(manifestsOnly.url, { extensions: persisted(sha256(normalised)) }, { token: user.token }));
    ok(
      await postRaw(
        manifestsOnly.url,
        { query: EMAIL_ONLY, extensions: persisted(sha256(EMAIL_ONLY)) },
        { token: user.token },
      ),
    );
    const notStored = await postRaw(
      manifestsOnly.url,
      { extensions: persisted(sha256(EMAIL_ONLY)) },
      { token: user.token },
    );
    expect(errorOf(notStored).extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
