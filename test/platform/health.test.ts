import { Client } from 'pg';
import { loadConfig } from '../../src/core/config';
import { createHttpApp } from '../../src/app/http-app';
import { openAppInfrastructure } from '../../src/app/infrastructure';
import { startTestApp, type TestApp } from '../helpers/app';
import { SqlCounter } from '../helpers/sql-counter';
import { baseTestEnv, databaseUrl, testServerUrls, workerId } from '../helpers/test-env';

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`);
  return {
    status: res.status,
    body: (await res.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: string }> },
  };
};

describe('health endpoints', () => {
  let app: TestApp;
  const sql = new SqlCounter();
  beforeAll(async () => {
    app = await startTestApp({}, { sql });
  });
  afterAll(() => app.close());

  it('/healthz answers while the process lives', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz reports each dependency', async () => {
    const { status, body } = await readyz(app.url);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      checks: {
        postgres: { ok: true },
        redis: { ok: true },
        migrations: { ok: true },
        redisEvictionPolicy: { ok: true, detail: 'noeviction' },
        // The worker's view, shown but not gating: no worker runs beside this API.
        workers: { ok: false, detail: 'no worker is connected: emails are not being sent' },
      },
    });
  });

  it('/readyz does not read the migrations table on every call', async () => {
    await readyz(app.url);
    const statements = await sql.during(async () => {
      for (let i = 0; i < 5; i++) expect((await readyz(app.url)).status).toBe(200);
    });
    // Five probes within the cache time: five pings, no migrations query.
    expect(statements.filter((q) => /migrations/i.test(q))).toEqual([]);
    expect(statements.filter((q) => q === 'SELECT 1')).toHaveLength(5);
  });

  it('/readyz is 503 when Redis may evict keys', async () => {
    await app.infra.redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const { status, body } = await readyz(app.url);
      expect(status).toBe(503);
      expect(body.checks.redisEvictionPolicy).toEqual({ ok: false, detail: expect.stringContaining('allkeys-lru') });
      expect(body.checks.postgres.ok).toBe(true);
    } finally {
      await app.infra.redis.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });
});

describe('/readyz when dependencies fail', () => {
  it('is 503 naming migrations when the database has pending migrations', async () => {
    const name = `rapport_unmigrated_${workerId()}`;
    const admin = new Client({ connectionString: testServerUrls().database });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();

    const infra = await openAppInfrastructure(loadConfig({ ...baseTestEnv(), DATABASE_URL: databaseUrl(name) }), 'api');
    const http = await createHttpApp(infra);
    const port = await http.listen(0, '127.0.0.1');
    try {
      const { status, body } = await readyz(`http://127.0.0.1:${port}`);
      expect(status).toBe(503);
      expect(body.checks.migrations.ok).toBe(false);
      expect(body.checks.postgres.ok).toBe(true);
    } finally {
      await http.close();
      await infra.close();
    }
  });

  it('is 503 naming postgres and redis when they are unreachable, without leaking details', async () => {
    const app = await startTestApp();
    await app.infra.ds.destroy();
    app.infra.redis.disconnect();
    try {
      const { status, body } = await readyz(app.url);
      expect(status).toBe(503);
      expect(body.checks.postgres).toEqual({ ok: false, detail: 'unreachable' });
      expect(body.checks.redis).toEqual({ ok: false, detail: 'unreachable' });
    } finally {
      await app.http.close();
    }
  });
});
