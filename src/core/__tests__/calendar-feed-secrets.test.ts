import { ConfigError, loadConfig } from '../config';

const base = {
  DATABASE_URL: 'postgres://localhost/rapport',
  REDIS_URL: 'redis://localhost:6379',
  JWT_SECRET: 'j'.repeat(40),
};
const production = { ...base, NODE_ENV: 'production', UNSUBSCRIBE_SECRET: 'u'.repeat(40) };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('CALENDAR_FEED_SECRET', () => {
  it('is required in production, and only there', () => {
    expect(problems(production)).toEqual(['CALENDAR_FEED_SECRET is required when NODE_ENV=production']);
    const secret = 'f'.repeat(32);
    expect(loadConfig({ ...production, CALENDAR_FEED_SECRET: secret }).calendarFeed.secret).toBe(secret);
    expect(loadConfig(base).calendarFeed.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses short secrets without echoing them, and parses the previous ones', () => {
    const found = problems({ ...base, CALENDAR_FEED_SECRET: 'short-secret', CALENDAR_FEED_PREVIOUS_SECRETS: 'tiny' });
    expect(found).toEqual([
      expect.stringMatching(/^CALENDAR_FEED_SECRET must be at least 32 bytes/),
      expect.stringMatching(/^CALENDAR_FEED_PREVIOUS_SECRETS .*at least 32 bytes/),
    ]);
    expect(found.join(' ')).not.toMatch(/short-secret|tiny/);
    const older = 'o'.repeat(40);
    const oldest = 'p'.repeat(48);
    const config = loadConfig({ ...base, CALENDAR_FEED_PREVIOUS_SECRETS: ` ${older} ,${oldest},` });
    expect(config.calendarFeed.previousSecrets).toEqual([older, oldest]);
    expect(config.calendarFeed.secret).not.toBe(config.email.unsubscribeSecret);
  });
});
