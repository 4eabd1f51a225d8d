import jwt from 'jsonwebtoken';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { registerUser } from '../helpers/factories';
import { errorOf, execute, postRaw } from '../helpers/graphql';
import { MeDocument } from '../generated/graphql';

// Errors a client can act on, as a client meets them over HTTP (docs/errors.md, docs/clients.md).

const ORIGIN = 'https://app.rapport.test';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ CORS_ORIGINS: ORIGIN, ACCESS_REVOCATION_POLL_MS: '100' });
});
afterAll(() => app.close());

/** An access token as the API signs them, with the claims and secret given. */
function accessToken(sub: string, options: { expiresIn: number; secret?: string; audience?: string }): string {
  return jwt.sign({ role: 'USER' }, options.secret ?? app.config.auth.jwtSecret, {
    algorithm: 'HS256',
    subject: sub,
    issuer: 'rapport',
    audience: options.audience ?? 'rapport-api',
    expiresIn: options.expiresIn,
  });
}

const meWith = (headers: Record<string, string>) => postRaw(app.url, { query: '{ me { id } }' }, { headers });
const reasonOf = async (headers: Record<string, string>) => {
  const error = errorOf(await meWith(headers));
  expect(error.extensions?.code).toBe('UNAUTHENTICATED');
  return error.extensions?.reason;
};

describe('UNAUTHENTICATED says what was wrong with the access token', () => {
  it('TOKEN_MISSING without an Authorization header', async () => {
    expect(await reasonOf({})).toBe('TOKEN_MISSING');
  });

  it('TOKEN_EXPIRED for a token of ours past its expiry, also once it was accepted before', async () => {
    const { user } = await registerUser(app.url);
    expect(await reasonOf({ authorization: `Bearer ${accessToken(user.id, { expiresIn: -60 })}` })).toBe(
      'TOKEN_EXPIRED',
    );
    // Accepted (and remembered as valid), then expired.
    const shortLived = accessToken(user.id, { expiresIn: 1 });
    expect((await execute(app.url, MeDocument, undefined, { token: shortLived })).data?.me.id).toBe(user.id);
    await eventually(
      async () => expect(await reasonOf({ authorization: `Bearer ${shortLived}` })).toBe('TOKEN_EXPIRED'),
      {
        timeoutMs: 10_000,
      },
    );
  });

  it('TOKEN_INVALID for a forged, foreign, garbled or non-Bearer credential, expired or not', async () => {
    const { user, token } = await registerUser(app.url);
    const forged = accessToken(user.id, { expiresIn: 600, secret: 'another-secret-that-is-long-enough-0123456789' });
    const forgedExpired = accessToken(user.id, { expiresIn: -60, secret: 'another-secret-that-is-long-enough-0123' });
    // Signed with our secret but for another audience: expired or not, not ours to accept.
    const foreignExpired = accessToken(user.id, { expiresIn: -60, audience: 'another-api' });
    for (const authorization of [
      `Bearer ${forged}`,
      `Bearer ${forgedExpired}`,
      `Bearer ${foreignExpired}`,
      `Bearer ${token.slice(0, -4)}AAAA`,
      'Bearer not-a-token',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
    ]) {
      expect(await reasonOf({ authorization })).toBe('TOKEN_INVALID');
    }
    // The real token still works.
    expect((await execute(app.url, MeDocument, undefined, { token })).data?.me.id).toBe(user.id);
  });

  it('TOKEN_REVOKED for a valid token issued before its account was suspended', async () => {
    const { user, token } = await registerUser(app.url);
    await app.infra.ds.query('UPDATE users SET suspended_at = now() WHERE id = $1', [user.id]);
    await eventually(async () => expect(await reasonOf({ authorization: `Bearer ${token}` })).toBe('TOKEN_REVOKED'));
  });
});

describe('CORS', () => {
  it('lets a browser on an allowed origin read x-request-id', async () => {
    const res = await meWith({ origin: ORIGIN });
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(exposed).toContain('x-request-id');
    expect(res.headers.get('x-request-id')).toEqual(expect.any(String));
  });

  it('does not let another origin read the answer at all', async () => {
    const res = await meWith({ origin: 'https://elsewhere.example.test' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GraphQL request errors by Accept (GraphQL-over-HTTP)', () => {
  const CREATE = 'mutation Create($input: CreateContactInput!) { createContact(input: $input) { id } }';
  const cases = [
    { name: 'a parse error', body: { query: '{ me { id ' }, code: 'GRAPHQL_PARSE_FAILED' },
    { name: 'a validation error', body: { query: '{ me { noSuchField } }' }, code: 'GRAPHQL_VALIDATION_FAILED' },
    {
      name: 'a variable that cannot be coerced',
      body: { query: CREATE, variables: { input: { firstName: 5 } } },
      code: 'BAD_USER_INPUT',
    },
  ];
  const LEGACY = ['application/json', 'application/json, application/graphql-response+json;q=0.5'];
  const CURRENT = ['application/graphql-response+json', 'application/graphql-response+json, application/json;q=0.9'];

  it.each(cases)('answers $name with 200 and errors to a client that accepts application/json', async (c) => {
    for (const accept of LEGACY) {
      const res = await postRaw(app.url, c.body, { headers: { accept } });
      expect([accept, res.status]).toEqual([accept, 200]);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.data).toBeUndefined();
      expect(errorOf(res).extensions?.code).toBe(c.code);
    }
  });

  it.each(cases)('keeps 400 for $name with application/graphql-response+json, and with */*', async (c) => {
    for (const accept of [...CURRENT, '*/*']) {
      const res = await postRaw(app.url, c.body, { headers: { accept } });
      expect([accept, res.status]).toEqual([accept, 400]);
      expect(errorOf(res).extensions?.code).toBe(c.code);
    }
  });

  it('keeps a malformed HTTP request a 400 whatever the client accepts', async () => {
    const res = await postRaw(
      app.url,
      { query: '{ me { id } }' },
      { contentType: 'text/plain', headers: { accept: 'application/json' } },
    );
    expect(res.status).toBe(400);
    expect(errorOf(res).extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('variables graphql-js cannot coerce', () => {
  it('are BAD_USER_INPUT with reason INVALID_VARIABLE and the path at fault, every time (compiled or not)', async () => {
    const query = 'mutation Create($input: CreateContactInput!) { createContact(input: $input) { id } }';
    for (let i = 0; i < 3; i++) {
      const nested = errorOf(await postRaw(app.url, { query, variables: { input: { firstName: 5 } } }));
      expect(nested.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'INVALID_VARIABLE',
        field: 'input.firstName',
      });
      const missing = errorOf(await postRaw(app.url, { query, variables: {} }));
      expect(missing.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'INVALID_VARIABLE', field: 'input' });
    }
  });
});

describe('BAD_USER_INPUT and CONFLICT from resolvers', () => {
  it('carry a reason and the field at fault beside the list of fields', async () => {
    const { token } = await registerUser(app.url);
    const res = await postRaw(
      app.url,
      { query: 'mutation { updateProfile(input: { timezone: "Mars/Olympus" }) { id } }' },
      { token },
    );
    expect(errorOf(res).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_VALUE',
      field: 'input.timezone',
      fields: [{ field: 'input.timezone', message: expect.any(String) }],
    });
    const contact = 'mutation { createContact(input: { firstName: "Ada", email: "ada@example.test" }) { id } }';
    expect((await postRaw(app.url, { query: contact }, { token })).errors).toBeUndefined();
    expect(errorOf(await postRaw(app.url, { query: contact }, { token })).extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'EMAIL_TAKEN',
      field: 'input.email',
    });
  });
});
