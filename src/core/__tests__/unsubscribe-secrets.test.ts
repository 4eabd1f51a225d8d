import { createHmac } from 'node:crypto';
import { ConfigError, loadConfig } from '../config';

const base = {
  DATABASE_URL: 'postgres://localhost/rapport',
  REDIS_URL: 'redis://localhost:6379',
  JWT_SECRET: 'j'.repeat(40),
};
const current = 'c'.repeat(32);
// Production also requires the calendar feed's own secret (calendar-feed-secrets.test.ts).
const feed = { CALENDAR_FEED_SECRET: 'f'.repeat(32) };
const older = 'o'.repeat(40);
const oldest = 'p'.repeat(48);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('UNSUBSCRIBE_SECRET', () => {
  it('is required in production, and the error names it', () => {
    expect(problems({ ...base, ...feed, NODE_ENV: 'production' })).toEqual([
      'UNSUBSCRIBE_SECRET is required when NODE_ENV=production',
    ]);
    expect(
      loadConfig({ ...base, ...feed, NODE_ENV: 'production', UNSUBSCRIBE_SECRET: current }).email.unsubscribeSecret,
    ).toBe(current);
  });

  it('must be at least 32 bytes', () => {
    expect(problems({ ...base, UNSUBSCRIBE_SECRET: 'x'.repeat(31) })).toEqual([
      expect.stringMatching(/^UNSUBSCRIBE_SECRET must be at least 32 bytes/),
    ]);
  });

  it('does not depend on JWT_SECRET, set or defaulted', () => {
    const derived = createHmac('sha256', base.JWT_SECRET).update('rapport:unsubscribe').digest('base64url');
    for (const env of [{}, { NODE_ENV: 'test' }, { ...feed, NODE_ENV: 'production', UNSUBSCRIBE_SECRET: current }]) {
      const before = loadConfig({ ...base, ...env }).email.unsubscribeSecret;
      const after = loadConfig({ ...base, ...env, JWT_SECRET: 'k'.repeat(40) }).email.unsubscribeSecret;
      expect(after).toBe(before);
      expect(before).not.toBe(derived);
      expect(Buffer.byteLength(before)).toBeGreaterThanOrEqual(32);
    }
  });
});

describe('UNSUBSCRIBE_PREVIOUS_SECRETS', () => {
  it('is empty by default and a comma-separated list otherwise', () => {
    expect(loadConfig(base).email.unsubscribePreviousSecrets).toEqual([]);
    const config = loadConfig({
      ...base,
      UNSUBSCRIBE_SECRET: current,
      UNSUBSCRIBE_PREVIOUS_SECRETS: ` ${older} ,${oldest},`,
    });
    expect(config.email.unsubscribeSecret).toBe(current);
    expect(config.email.unsubscribePreviousSecrets).toEqual([older, oldest]);
  });

  it('refuses a short entry, naming the variable and not echoing the secret', () => {
    const found = problems({ ...base, UNSUBSCRIBE_PREVIOUS_SECRETS: `${older},short-one` });
    expect(found).toEqual([expect.stringMatching(/^UNSUBSCRIBE_PREVIOUS_SECRETS .*at least 32 bytes/)]);
    expect(found.join('\n')).not.toContain('short-one');
  });
});
