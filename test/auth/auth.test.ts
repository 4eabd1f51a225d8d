import jwt from 'jsonwebtoken';
import { startTestApp, type TestApp } from '../helpers/app';
import { PASSWORD, registerInput, registerUser } from '../helpers/factories';
import { errorOf, execute, ok } from '../helpers/graphql';
import {
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RegisterDocument,
  UpdateProfileDocument,
} from '../generated/graphql';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '1000' });
});
afterAll(() => app.close());

describe('register → login → me', () => {
  it('signs a new user in and returns their profile with the default settings', async () => {
    const registered = await registerUser(app.url, {
      email: 'Grace.Hopper@Example.test',
      timezone: 'America/New_York',
    });
    expect(registered.user).toMatchObject({
      email: 'grace.hopper@example.test',
      role: 'USER',
      timezone: 'America/New_York',
      sendingWindowStart: '08:00',
      sendingWindowEnd: '20:00',
      thankYouDelayMinutes: 120,
      followUpDelayDays: 14,
      prepReminderHoursBefore: 24,
    });

    const { login } = ok(
      await execute(app.url, LoginDocument, { email: 'GRACE.HOPPER@example.test', password: PASSWORD }),
    );
    expect(login.user.id).toBe(registered.user.id);

    const { me } = ok(await execute(app.url, MeDocument, undefined, { token: login.accessToken }));
    expect(me.email).toBe('grace.hopper@example.test');
  });

  it('stores only an argon2id hash of the password', async () => {
    const { user } = await registerUser(app.url);
    const [row] = await app.infra.ds.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('answers a second registration of an address exactly like a first, and makes no second account', async () => {
    const first = await registerUser(app.url);
    const again = await execute(app.url, RegisterDocument, {
      input: { ...first.input, email: first.input.email.toUpperCase(), password: 'another password entirely' },
    });
    const fresh = await execute(app.url, RegisterDocument, { input: registerInput() });
    expect(again.data).toEqual({ register: true });
    expect([fresh.data, fresh.errors, fresh.status]).toEqual([again.data, again.errors, again.status]);
    const rows = await app.infra.ds.query('SELECT id FROM users WHERE email = $1', [first.input.email]);
    expect(rows).toEqual([{ id: first.user.id }]);
    // The account's password is untouched.
    ok(await execute(app.url, LoginDocument, { email: first.input.email, password: PASSWORD }));
  });

  it('names every invalid field', async () => {
    const res = await execute(app.url, RegisterDocument, {
      input: { email: 'not-an-email', password: 'short', name: 'Bob\u0007', timezone: 'Mars/Olympus' },
    });
    const error = errorOf(res);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (error.extensions?.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['input.email', 'input.name', 'input.password', 'input.timezone']);
    expect(JSON.stringify(res.errors)).not.toContain('short'); // values are not echoed back
  });
});

describe('login failures', () => {
  it('gives the same answer for an unknown email and a wrong password', async () => {
    const { input } = await registerUser(app.url);
    const wrongPassword = await execute(app.url, LoginDocument, { email: input.email, password: 'not the password' });
    const unknownEmail = await execute(app.url, LoginDocument, {
      email: 'nobody@example.test',
      password: 'not the password',
    });
    expect(wrongPassword.status).toBe(unknownEmail.status);
    expect(wrongPassword.errors).toEqual(unknownEmail.errors);
    expect(errorOf(wrongPassword)).toMatchObject({
      message: 'Invalid email or password',
      extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' },
    });
  });

  it('throttles an account after repeated failures, even with the right password, and says when to retry', async () => {
    const { input } = await registerUser(app.url);
    for (let i = 0; i < 5; i++) {
      const res = await execute(app.url, LoginDocument, { email: input.email, password: `wrong-${i}` });
      expect(errorOf(res).extensions?.code).toBe('UNAUTHENTICATED');
    }
    const blocked = await execute(app.url, LoginDocument, { email: input.email, password: PASSWORD });
    const error = errorOf(blocked);
    expect(error.extensions?.code).toBe('RATE_LIMITED');
    expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);

    // Another account from the same address is unaffected by this account's lock.
    const other = await registerUser(app.url);
    ok(await execute(app.url, LoginDocument, { email: other.input.email, password: PASSWORD }));
  });
});

describe('per-IP throttling', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '100', LOGIN_MAX_FAILURES_PER_IP: '3' });
  });
  afterAll(() => strict.close());

  it('blocks an address that fails against many different accounts', async () => {
    const victim = await registerUser(strict.url);
    for (let i = 0; i < 3; i++) {
      await execute(strict.url, LoginDocument, { email: `guess-${i}@example.test`, password: 'password123' });
    }
    const res = await execute(strict.url, LoginDocument, { email: victim.input.email, password: PASSWORD });
    expect(errorOf(res).extensions?.code).toBe('RATE_LIMITED');
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says the proxy in front may set it', async () => {
    // The strict app trusts no proxy: a forged header does not give an attacker a fresh address.
    const forged = await execute(
      strict.url,
      LoginDocument,
      { email: 'nobody@example.test', password: PASSWORD },
      { headers: { 'x-forwarded-for': '203.0.113.50' } },
    );
    expect(errorOf(forged).extensions?.code).toBe('RATE_LIMITED');

    const proxied = await startTestApp({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '100',
      LOGIN_MAX_FAILURES_PER_IP: '3',
      TRUST_PROXY: 'loopback',
    });
    try {
      const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
      const user = await registerUser(proxied.url);
      for (let i = 0; i < 3; i++) {
        await execute(
          proxied.url,
          LoginDocument,
          { email: `guess-${i}@example.test`, password: 'x' },
          from('203.0.113.7'),
        );
      }
      const login = { email: user.input.email, password: PASSWORD };
      expect(errorOf(await execute(proxied.url, LoginDocument, login, from('203.0.113.7'))).extensions?.code).toBe(
        'RATE_LIMITED',
      );
      // The client behind the proxy is who is throttled, not the proxy itself.
      ok(await execute(proxied.url, LoginDocument, login, from('203.0.113.8')));
    } finally {
      await proxied.close();
    }
  });
});

describe('refresh tokens', () => {
  it('rotates on every use, and reusing a rotated token revokes the whole family', async () => {
    const { refreshToken: first } = await registerUser(app.url);
    const { refreshToken: second } = ok(await execute(app.url, RefreshTokenDocument, { refreshToken: first }));
    expect(second.refreshToken).not.toBe(first);
    const { refreshToken: third } = ok(
      await execute(app.url, RefreshTokenDocument, { refreshToken: second.refreshToken }),
    );

    // An attacker replays the first token: refused, and the family is gone…
    const replay = await execute(app.url, RefreshTokenDocument, { refreshToken: first });
    expect(errorOf(replay).extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_REFRESH_TOKEN' });
    // …so the legitimate newest token no longer works either.
    const newest = await execute(app.url, RefreshTokenDocument, { refreshToken: third.refreshToken });
    expect(errorOf(newest).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps other sessions of the same user when one family is revoked', async () => {
    const registered = await registerUser(app.url);
    const { login: otherDevice } = ok(
      await execute(app.url, LoginDocument, { email: registered.input.email, password: PASSWORD }),
    );
    ok(await execute(app.url, LogoutDocument, { refreshToken: registered.refreshToken }));

    const loggedOut = await execute(app.url, RefreshTokenDocument, { refreshToken: registered.refreshToken });
    expect(errorOf(loggedOut).extensions?.code).toBe('UNAUTHENTICATED');
    ok(await execute(app.url, RefreshTokenDocument, { refreshToken: otherDevice.refreshToken }));
  });

  it('stores refresh tokens only as hashes', async () => {
    const { refreshToken, user } = await registerUser(app.url);
    const rows = await app.infra.ds.query(
      `SELECT encode(token_hash, 'hex') AS h FROM refresh_tokens WHERE user_id = $1`,
      [user.id],
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(refreshToken);
  });

  it('refuses an expired refresh token', async () => {
    const { refreshToken, user } = await registerUser(app.url);
    await app.infra.ds.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      user.id,
    ]);
    const res = await execute(app.url, RefreshTokenDocument, { refreshToken });
    expect(errorOf(res).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('access tokens', () => {
  const secret = () => app.config.auth.jwtSecret;
  const claims = (sub: string) => ({ sub, role: 'USER', iss: 'rapport', aud: 'rapport-api' });
  const meWith = (token: string) => execute(app.url, MeDocument, undefined, { token });

  it('rejects an expired token', async () => {
    const { user } = await registerUser(app.url);
    const token = jwt.sign({ ...claims(user.id), exp: Math.floor(Date.now() / 1000) - 10 }, secret(), {
      algorithm: 'HS256',
    });
    expect(errorOf(await meWith(token)).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a token whose payload was tampered with', async () => {
    const victim = await registerUser(app.url);
    const attacker = await registerUser(app.url);
    const [header, , signature] = attacker.accessToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims(victim.user.id), exp: 4102444800 })).toString('base64url');
    expect(errorOf(await meWith(`${header}.${forged}.${signature}`)).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects alg: none and tokens signed with another secret', async () => {
    const { user } = await registerUser(app.url);
    const none = jwt.sign(claims(user.id), '', { algorithm: 'none' });
    expect(errorOf(await meWith(none)).extensions?.code).toBe('UNAUTHENTICATED');
    const otherSecret = jwt.sign(claims(user.id), 'another-secret-of-sufficient-length-123456', { algorithm: 'HS256' });
    expect(errorOf(await meWith(otherSecret)).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a well-formed token for the same user', async () => {
    const { user } = await registerUser(app.url);
    const token = jwt.sign(claims(user.id), secret(), { algorithm: 'HS256', expiresIn: 60 });
    expect(ok(await meWith(token)).me.id).toBe(user.id);
  });
});

describe('updateProfile', () => {
  it('changes only the given settings', async () => {
    const { token } = await registerUser(app.url);
    const { updateProfile } = ok(
      await execute(
        app.url,
        UpdateProfileDocument,
        {
          input: {
            timezone: 'Asia/Tokyo',
            sendingWindowStart: '09:30',
            thankYouDelayMinutes: 30,
            weeklyMeetingGoal: 8,
          },
        },
        { token },
      ),
    );
    expect(updateProfile).toMatchObject({
      timezone: 'Asia/Tokyo',
      sendingWindowStart: '09:30',
      sendingWindowEnd: '20:00',
      thankYouDelayMinutes: 30,
      followUpDelayDays: 14,
      weeklyMeetingGoal: 8,
      name: 'Ada Lovelace',
    });
  });

  it('refuses a sending window that ends before it starts, naming both fields, and changes nothing', async () => {
    const { token } = await registerUser(app.url);
    const res = await execute(
      app.url,
      UpdateProfileDocument,
      { input: { sendingWindowStart: '21:00', timezone: 'Asia/Tokyo' } },
      { token },
    );
    const error = errorOf(res);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect((error.extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual([
      'input.sendingWindowStart',
      'input.sendingWindowEnd',
    ]);
    const { me } = ok(await execute(app.url, MeDocument, undefined, { token }));
    expect(me.timezone).toBe('Europe/London');
  });

  it('refuses an invalid time zone and out-of-range delays', async () => {
    const { token } = await registerUser(app.url);
    const res = await execute(
      app.url,
      UpdateProfileDocument,
      { input: { timezone: '+02:00', followUpDelayDays: 0, sendingWindowEnd: '23:00' } },
      { token },
    );
    const fields = (errorOf(res).extensions?.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['input.followUpDelayDays', 'input.timezone']);

    // A time that is not one is refused while the variables are read (the LocalEndTime scalar),
    // before the other checks run: it is answered on its own, naming the field.
    const badTime = await execute(
      app.url,
      UpdateProfileDocument,
      { input: { timezone: '+02:00', followUpDelayDays: 0, sendingWindowEnd: '25:00' } },
      { token },
    );
    expect(badTime.status).toBe(400);
    expect(errorOf(badTime).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'input.sendingWindowEnd' }],
    });
    const { me } = ok(await execute(app.url, MeDocument, undefined, { token }));
    expect(me).toMatchObject({ timezone: 'Europe/London', followUpDelayDays: 14, sendingWindowEnd: '20:00' });
  });

  it('requires a signed-in user', async () => {
    const res = await execute(app.url, UpdateProfileDocument, { input: { name: 'x' } });
    expect(errorOf(res).extensions?.code).toBe('UNAUTHENTICATED');
  });
});
