import { loadConfig } from '../config';

const base = {
  DATABASE_URL: 'postgres://localhost/rapport',
  REDIS_URL: 'redis://localhost:6379',
  JWT_SECRET: 'j'.repeat(40),
};
const production = {
  ...base,
  NODE_ENV: 'production',
  UNSUBSCRIBE_SECRET: 'u'.repeat(40),
  CALENDAR_FEED_SECRET: 'c'.repeat(40),
};

describe('PLAYGROUND_ENABLED', () => {
  it('is on in development and off in production unless asked for', () => {
    expect(loadConfig(base).http.playground).toBe(true);
    expect(loadConfig(production).http.playground).toBe(false);
    expect(loadConfig({ ...production, PLAYGROUND_ENABLED: 'true' }).http.playground).toBe(true);
    expect(loadConfig({ ...base, PLAYGROUND_ENABLED: 'false' }).http.playground).toBe(false);
  });
});
