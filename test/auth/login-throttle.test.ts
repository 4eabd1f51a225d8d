import { startTestApp, type TestApp } from '../helpers/app';
import { PASSWORD, registerUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { LoginDocument } from '../generated/graphql';

// Forwarded addresses are trusted from loopback, so one test can act as many clients.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
    LOGIN_MAX_FAILURES_PER_IP: '3',
    TRUST_PROXY: 'loopback',
  });
});
afterAll(() => app.close());

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
const hasher = () => app.http.services.auth.hasher;
const codes = (results: Awaited<ReturnType<typeof execute>>[]) => {
  const count: Record<string, number> = {};
  for (const r of results) {
    const key = `${errorOf(r).extensions?.code}:${errorOf(r).extensions?.reason ?? ''}`;
    count[key] = (count[key] ?? 0) + 1;
  }
  return count;
};

describe('login throttling under parallel requests', () => {
  it('verifies at most the per-account limit of 200 parallel wrong passwords from 200 addresses', async () => {
    const { input } = await registerUser(app.url);
    const before = hasher().stats.verifications;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        execute(
          app.url,
          LoginDocument,
          { email: input.email, password: `wrong-${i}` },
          from(`10.9.${i >> 8}.${i & 255}`),
        ),
      ),
    );
    expect(hasher().stats.verifications - before).toBe(5);
    expect(codes(results)).toEqual({ 'UNAUTHENTICATED:INVALID_CREDENTIALS': 5, 'RATE_LIMITED:': 195 });
    expect(hasher().stats.peakConcurrent).toBeLessThanOrEqual(app.config.auth.hashing.maxConcurrent);

    // The right password is refused too until the window passes, from a fresh address as well.
    const right = await execute(app.url, LoginDocument, { email: input.email, password: PASSWORD }, from('10.8.0.1'));
    expect(errorOf(right).extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  });

  it('verifies at most the per-address limit of 200 parallel guesses at different accounts', async () => {
    const before = hasher().stats.verifications;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        execute(
          app.url,
          LoginDocument,
          { email: `guess-${i}@example.test`, password: 'password123' },
          from('10.7.0.1'),
        ),
      ),
    );
    expect(hasher().stats.verifications - before).toBe(3);
    expect(codes(results)).toEqual({ 'UNAUTHENTICATED:INVALID_CREDENTIALS': 3, 'RATE_LIMITED:': 197 });
  });

  it('lets a right password through and gives its attempt back', async () => {
    const { input } = await registerUser(app.url);
    // Three successes from one address (its failure limit is 3) are not failures.
    for (let i = 0; i < 4; i++) {
      const res = await execute(app.url, LoginDocument, { email: input.email, password: PASSWORD }, from('10.6.0.1'));
      expect(res.errors).toBeUndefined();
    }
    // And a success clears the account's failures, as before.
    for (let i = 0; i < 4; i++) {
      await execute(app.url, LoginDocument, { email: input.email, password: `wrong-${i}` }, from(`10.5.0.${i}`));
    }
    const res = await execute(app.url, LoginDocument, { email: input.email, password: PASSWORD }, from('10.5.1.1'));
    expect(res.errors).toBeUndefined();
    for (let i = 0; i < 4; i++) {
      const wrong = await execute(
        app.url,
        LoginDocument,
        { email: input.email, password: 'nope-nope' },
        from(`10.5.2.${i}`),
      );
      expect(errorOf(wrong).extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});
