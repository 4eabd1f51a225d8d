/** Where the services started by `npm test` are, and per-jest-worker names derived from them. */
export const TEMPLATE_DATABASE = 'rapport_template';

export function testServerUrls(): { database: string; redis: string } {
  const database = process.env.TEST_DATABASE_URL;
  const redis = process.env.TEST_REDIS_URL;
  if (!database || !redis) {
    throw new Error(
      'TEST_DATABASE_URL and TEST_REDIS_URL are not set: run the suite with `npm test`, which starts them.',
    );
  }
  return { database, redis };
}

export function databaseUrl(name: string): string {
  const url = new URL(testServerUrls().database);
  url.pathname = `/${name}`;
  return url.toString();
}

export function workerId(): number {
  return Number(process.env.JEST_WORKER_ID ?? '1');
}

/** Environment for a Rapport process under test: fast hashing, quiet logs, isolated names. */
export function baseTestEnv(): Record<string, string> {
  const w = workerId();
  const redis = new URL(testServerUrls().redis);
  redis.pathname = `/${w % 16}`; // one Redis logical database per jest worker
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(`rapport_test_${w}`),
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: redis.toString(),
    QUEUE_PREFIX: `rapport-test-${w}`,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MAIL_TRANSPORT: 'file',
    MAIL_DIR: `/tmp/rapport-test-mail-${w}`,
    PLAYGROUND_ENABLED: 'true',
  };
}
