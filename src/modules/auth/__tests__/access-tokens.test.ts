import jwt from 'jsonwebtoken';
import { Role } from '../../users/user.entity';
import { AccessTokens } from '../access-tokens';

const config = { jwtSecret: 'x'.repeat(48), accessTokenTtlSeconds: 900 } as ConstructorParameters<
  typeof AccessTokens
>[0];

afterEach(() => jest.useRealTimers());

describe('AccessTokens', () => {
  it('accepts its own tokens, again and again, until they expire', () => {
    jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') });
    const tokens = new AccessTokens(config);
    const { token } = tokens.sign({ id: 'b0f6e7a4-5c1d-4f0e-9a59-3f4c1d2e8a71', role: Role.USER });
    expect(tokens.verify(token)).toEqual({ id: 'b0f6e7a4-5c1d-4f0e-9a59-3f4c1d2e8a71', role: Role.USER });
    jest.setSystemTime(new Date('2026-11-22T10:14:59Z'));
    expect(tokens.verify(token)).toEqual({ id: 'b0f6e7a4-5c1d-4f0e-9a59-3f4c1d2e8a71', role: Role.USER });
    // Expired: refused, although it was verified (and remembered) before.
    jest.setSystemTime(new Date('2026-11-22T10:15:00Z'));
    expect(tokens.verify(token)).toBeNull();
    expect(tokens.verify(token)).toBeNull();
  });

  it('refuses tampered tokens, other secrets, other algorithms and tokens without a role', () => {
    const tokens = new AccessTokens(config);
    const { token } = tokens.sign({ id: 'b0f6e7a4-5c1d-4f0e-9a59-3f4c1d2e8a71', role: Role.ADMIN });
    const [header, payload, signature] = token.split('.');
    const elevated = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'other' }),
    ).toString('base64url');
    expect(tokens.verify(`${header}.${elevated}.${signature}`)).toBeNull();
    const claims = { issuer: 'rapport', audience: 'rapport-api', subject: 'someone', expiresIn: 60 };
    expect(tokens.verify(jwt.sign({ role: 'USER' }, 'another secret of enough length', claims))).toBeNull();
    expect(tokens.verify(jwt.sign({ role: 'USER' }, config.jwtSecret, { ...claims, algorithm: 'HS512' }))).toBeNull();
    expect(tokens.verify(jwt.sign({}, config.jwtSecret, claims))).toBeNull();
    expect(tokens.verify(jwt.sign({ role: 'USER' }, config.jwtSecret, claims))).toEqual({
      id: 'someone',
      role: 'USER',
    });
  });
});
