import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import { MeDocument } from '../generated/graphql';
import { adminUser } from '../helpers/admin';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, ok, postRaw } from '../helpers/graphql';
import { startProcess, within, type RunningProcess } from '../helpers/processes';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const MANIFESTS = ['web', 'mobile'].map((app) => `examples/${app}/src/gql/persisted-documents.json`).join(',');

// The test app migrates and empties this worker's database and Redis for the processes below.
let app: TestApp;
let user: SignedInUser;
const running: RunningProcess[] = [];

async function api(env: Record<string, string> = {}): Promise<string> {
  const child = startProcess('main', { PORT: '0', HOST: '127.0.0.1', ...env });
  running.push(child);
  return `http://127.0.0.1:${(await child.waitForLog('API ready')).port as number}`;
}

beforeAll(async () => {
  app = await startTestApp();
  user = await signedInUser(app.url);
});
afterAll(async () => {
  for (const child of running) {
    child.child.kill('SIGTERM');
    await within(child.exited, 10_000, 'API shutdown');
  }
  await app.close();
});

it('an APQ hash registered on one API process runs on another (the cache is Redis, not the process)', async () => {
  const [a, b] = await Promise.all([api(), api()]);
  const query = 'query AcrossReplicas { me { id email } }';
  const hash = sha256(query);
  const unknown = await postRaw(b, { extensions: persisted(hash) }, { token: user.token });
  expect(errorOf(unknown).extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

  const registered = ok(await postRaw(a, { query, extensions: persisted(hash) }, { token: user.token }));
  expect(registered).toEqual({ me: { id: user.user.id, email: user.input.email } });
  expect(ok(await postRaw(b, { extensions: persisted(hash) }, { token: user.token }))).toEqual(registered);
  const res = await fetch(`${b}/graphql?documentId=sha256:${hash}`, {
    headers: { authorization: `Bearer ${user.token}`, 'apollo-require-preflight': 'true' },
  });
  expect(await res.json()).toEqual({ data: registered });
});

it('strict replicas: the manifests answer on each; an admin’s registration on one is no way in for others on the other', async () => {
  const strict = { TRUSTED_DOCUMENTS: MANIFESTS, TRUSTED_DOCUMENTS_ONLY: 'true' };
  const [c, d] = await Promise.all([api(strict), api(strict)]);
  const me = print(MeDocument);
  for (const url of [c, d]) {
    const refused = await postRaw(url, { query: me, extensions: persisted(sha256(me)) }, { token: user.token });
    expect(errorOf(refused).extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  }
  const admin = await adminUser(app);
  ok(await postRaw(c, { query: me, extensions: persisted(sha256(me)) }, { token: admin.token }));
  ok(await postRaw(d, { extensions: persisted(sha256(me)) }, { token: admin.token }));
  const other = await postRaw(d, { extensions: persisted(sha256(me)) }, { token: user.token });
  expect(errorOf(other).extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
});

it('stops at boot, naming TRUSTED_DOCUMENTS and the file, when a manifest does not fit the schema', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-manifest-'));
  const stale = path.join(dir, 'stale.json');
  const document = 'query Old { me { favouriteColour } }';
  writeFileSync(stale, JSON.stringify({ [`sha256:${sha256(document)}`]: document }));
  const missing = path.join(dir, 'missing.json');

  const child = startProcess('main', { PORT: '0', TRUSTED_DOCUMENTS: `${stale},${missing}` });
  expect((await within(child.exited, 20_000, 'API exit')).code).toBe(78);
  const out = child.output();
  expect(out).toContain(`TRUSTED_DOCUMENTS: ${stale}: Old does not validate against the schema`);
  expect(out).toContain(`TRUSTED_DOCUMENTS: cannot read ${missing}`);
  expect(out).not.toMatch(/\n\s+at /);
});
