import { gzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../helpers/app';
import { PASSWORD, registerUser } from '../helpers/factories';
import { errorOf, execute, ok, postRaw } from '../helpers/graphql';
import { LoginDocument, MeDocument } from '../generated/graphql';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startTestApp({
    CORS_ORIGINS: 'https://app.rapport.test',
    GRAPHQL_MAX_DEPTH: '12',
    GRAPHQL_MAX_ALIASES: '15',
  });
  ({ token } = await registerUser(app.url));
});
afterAll(() => app.close());

describe('CSRF prevention', () => {
  it('blocks a simple cross-site request (text/plain body) before it executes', async () => {
    const res = await postRaw(app.url, JSON.stringify({ query: '{ me { email } }' }), {
      contentType: 'text/plain',
      token,
    });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/Cross-Site Request Forgery/);
    expect(res.data).toBeUndefined();
  });

  it('blocks a form-encoded POST and a GET without a preflight header', async () => {
    const form = await postRaw(app.url, 'query=%7B%20me%20%7B%20email%20%7D%20%7D', {
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(400);
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ me { email } }')}`);
    expect(get.status).toBe(400);
  });
});

describe('query limits', () => {
  it('rejects a depth bomb before any resolver runs', async () => {
    let selection = 'name';
    for (let i = 0; i < 20; i++) selection = `ofType { ${selection} }`;
    const res = await postRaw(
      app.url,
      { query: `{ me { email } __schema { types { fields { type { ${selection} } } } } }` },
      { token },
    );
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    const depth = res.errors?.find((e) => /depth limit/i.test(e.message));
    expect(depth?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects an alias flood before any resolver runs', async () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: me { email }`).join(' ');
    const res = await postRaw(app.url, { query: `{ ${aliases} }` }, { token });
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    // No `data` at all: Apollo stopped at validation, before execution began.
    expect(res.errors?.[0].message).toMatch(/aliases/i);
  });

  it('multiplies list sizes in the cost: nested pages are refused before anything runs', async () => {
    const nested = (n: string) =>
      `organisations(first: ${n}) { edges { node { contacts(first: ${n}) { edges { node {
        organisation { contacts(first: ${n}) { edges { node { id } } } } } } } } } }`;
    // 100 organisations × 100 contacts × 100 contacts: about a million objects, a few hundred tokens.
    const refused = await postRaw(app.url, { query: `{ ${nested('100')} }` }, { token });
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'COST_LIMIT',
      maxCost: 10_000,
    });
    expect(refused.errors?.[0].extensions?.cost).toBeGreaterThan(1_000_000);

    // The same shape with page sizes from variables: refused at 100, answered at 3.
    const query = `query Nested($n: Int!) { ${nested('$n')} }`;
    const big = await postRaw(app.url, { query, variables: { n: 100 } }, { token });
    expect(big.errors?.[0].extensions?.reason).toBe('COST_LIMIT');
    const small = await postRaw(app.url, { query, variables: { n: 3 } }, { token });
    expect(small.status).toBe(200);
    expect(small.errors).toBeUndefined();
    expect(small.data).toEqual({ organisations: { edges: [] } });
  });

  it('rejects a document with too many tokens', async () => {
    const fields = Array.from({ length: 3000 }, () => '__typename').join(' ');
    const res = await postRaw(app.url, { query: `{ ${fields} }` }, { token });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(errorOf(res).message).toMatch(/more than \d+ tokens|more that \d+ tokens/);
  });

  it('refuses batched requests', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ me { email } }' }, { query: '{ me { email } }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('refuses a body over the size limit with a JSON error', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ me { email } }`, variables: { pad: 'x'.repeat(200_000) } }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errors: [{ message: 'request body too large', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('still serves ordinary queries', async () => {
    const res = await execute(app.url, MeDocument, undefined, { token });
    expect(res.errors).toBeUndefined();
  });
});

describe('CORS', () => {
  it('allows only the configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${app.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('https://app.rapport.test');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.rapport.test');
    const denied = await preflight('https://evil.example');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('responses', () => {
  it('echoes a request id for log correlation', async () => {
    const res = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    const generated = await fetch(`${app.url}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns JSON 404 for unknown paths', async () => {
    const res = await fetch(`${app.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found' });
  });
});

describe('the /graphql endpoint', () => {
  const post = (body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${app.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
  const badRequest = { errors: [{ message: 'bad request', extensions: { code: 'BAD_REQUEST' } }] };

  it('echoes the client request id, or makes one', async () => {
    const echoed = await postRaw(app.url, { query: '{ me { email } }' }, { token, headers: { 'x-request-id': 'q-7' } });
    expect(echoed.headers.get('x-request-id')).toBe('q-7');
    const made = await postRaw(
      app.url,
      { query: '{ me { email } }' },
      { token, headers: { 'x-request-id': 'bad id!' } },
    );
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts a compressed body, and applies the size limit to what it inflates to', async () => {
    const small = await post(gzipSync(JSON.stringify({ query: '{ me { email } }' })), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(small.status).toBe(200);
    expect(((await small.json()) as { data: { me: { email: string } } }).data.me.email).toMatch(/@/);

    // 300 KB of padding compresses to a few hundred bytes: the limit is on the inflated body.
    const bomb = gzipSync(JSON.stringify({ query: '{ me { email } }', variables: { pad: ' '.repeat(300_000) } }));
    expect(bomb.length).toBeLessThan(2_000);
    const big = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(big.status).toBe(413);
  });

  it('refuses malformed JSON, a JSON scalar, another charset and an unknown encoding, naming no detail', async () => {
    const json = { 'content-type': 'application/json' };
    const malformed = await post('{"query": "{ me { email } }"', json);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual(badRequest);
    const scalar = await post('"{ me { email } }"', json);
    expect(scalar.status).toBe(400);
    expect(await scalar.json()).toEqual(badRequest);
    const latin1 = await post('{"query": "{ me { email } }"}', { 'content-type': 'application/json; charset=latin1' });
    expect(latin1.status).toBe(415);
    const zip = await post('{"query": "{ me { email } }"}', { ...json, 'content-encoding': 'zip' });
    expect(zip.status).toBe(415);
    // The server is still fine afterwards.
    expect((await execute(app.url, MeDocument, undefined, { token })).errors).toBeUndefined();
  });

  it('is found whatever the case of its path, with or without a trailing slash', async () => {
    for (const path of ['/GraphQL', '/graphql/']) {
      const res = await fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { email } }' }),
      });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });

  it('answers a query sent with GET when it carries a preflight header', async () => {
    const res = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ me { email } }')}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { me: { email: string } } }).data.me.email).toMatch(/@/);
  });
});

describe('with introspection off (production setting)', () => {
  let prod: TestApp;
  beforeAll(async () => {
    prod = await startTestApp({ GRAPHQL_INTROSPECTION: 'false' });
  });
  afterAll(() => prod.close());
  const introspect = (token?: string) => postRaw(prod.url, { query: '{ __schema { queryType { name } } }' }, { token });

  it('refuses introspection to anonymous users and ordinary users, and suggests no field names', async () => {
    expect((await introspect()).status).toBe(403);
    const { token: userToken } = await registerUser(prod.url);
    const res = await introspect(userToken);
    expect(res.status).toBe(403);
    expect(errorOf(res)).toMatchObject({
      message: 'Introspection is available to administrators only',
      extensions: { code: 'FORBIDDEN' },
    });
    const typo = await postRaw(prod.url, { query: '{ mee { email } }' });
    expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
  });

  it('allows introspection to administrators, for the Playground', async () => {
    const admin = await registerUser(prod.url);
    await prod.infra.ds.query(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [admin.user.id]);
    const { login } = ok(await execute(prod.url, LoginDocument, { email: admin.input.email, password: PASSWORD }));
    const res = await introspect(login.accessToken);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('unexpected failures', () => {
  let broken: TestApp;
  beforeAll(async () => {
    broken = await startTestApp();
  });
  afterAll(async () => {
    await broken.http.close();
    await broken.infra.redis.quit();
  });

  it('are masked as INTERNAL_SERVER_ERROR with no stack, SQL or driver message', async () => {
    const { token: t } = await registerUser(broken.url);
    await broken.infra.ds.destroy(); // every query now fails inside TypeORM
    const res = await execute(broken.url, MeDocument, undefined, { token: t });
    expect(errorOf(res)).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
      locations: [{ line: 2, column: 3 }],
      path: ['me'],
    });
    expect(JSON.stringify(res)).not.toMatch(/SELECT|stack|TypeORM|at /);
  });
});
