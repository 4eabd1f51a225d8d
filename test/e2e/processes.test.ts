import { LoginDocument, MeDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { PASSWORD, registerUser } from '../helpers/factories';
import { execute, ok } from '../helpers/graphql';
import { startProcess, within } from '../helpers/processes';

// The test app migrates and empties this worker's database for the processes below.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('worker process', () => {
  it('connects, registers its queues, logs readiness and stops cleanly on SIGTERM', async () => {
    const worker = startProcess('worker');
    const ready = await worker.waitForLog('worker ready');
    expect(ready.queues).toEqual(['emails', 'maintenance']);

    // Its periodic jobs are registered in Redis under the configured prefix.
    const schedulers = await app.infra.redis.keys(`${app.config.redis.prefix}:maintenance:repeat*`);
    expect(schedulers.length).toBeGreaterThan(0);

    worker.child.kill('SIGTERM');
    const { code } = await within(worker.exited, 10_000, 'worker shutdown');
    expect(code).toBe(0);
    expect(worker.logs.map((l) => l.msg)).toContain('worker stopped');
  });

  it('also stops cleanly on SIGINT (Ctrl-C)', async () => {
    const worker = startProcess('worker');
    await worker.waitForLog('worker ready');
    worker.child.kill('SIGINT');
    expect((await within(worker.exited, 10_000, 'worker shutdown')).code).toBe(0);
  });
});

describe('API process', () => {
  it('serves, then drains and exits 0 on SIGTERM even with a keep-alive client connected', async () => {
    const api = startProcess('main', { PORT: '0', HOST: '127.0.0.1' });
    const ready = await api.waitForLog('API ready');
    const base = `http://127.0.0.1:${ready.port as number}`;
    const health = await fetch(`${base}/healthz`, { headers: { connection: 'keep-alive' } });
    expect(await health.json()).toEqual({ status: 'ok' });

    api.child.kill('SIGTERM');
    const { code } = await within(api.exited, 10_000, 'API shutdown');
    expect(code).toBe(0);
  });
});

describe('logs', () => {
  it('carry a request id, the operation and the user, and never a password, token or request body', async () => {
    const api = startProcess('main', { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'trace' });
    const base = `http://127.0.0.1:${(await api.waitForLog('API ready')).port as number}`;
    const registered = await registerUser(base);
    await execute(base, LoginDocument, { email: registered.input.email, password: 'a wrong password!' });
    const { login } = ok(await execute(base, LoginDocument, { email: registered.input.email, password: PASSWORD }));
    ok(await execute(base, MeDocument, undefined, { token: login.accessToken }));
    api.child.kill('SIGTERM');
    await within(api.exited, 10_000, 'API shutdown');

    const out = api.output();
    const requests = api.logs.filter((l) => l.msg === 'request completed');
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const line of requests) expect((line.req as { id?: string }).id).toMatch(/^[0-9a-f-]{36}$/);
    // Each GraphQL line names its operation, and the user once signed in.
    const graphql = requests.filter((l) => (l.req as { url: string }).url === '/graphql');
    expect(graphql.filter((l) => l.operation === 'Login').map((l) => l.userId)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(graphql.filter((l) => l.operation === 'Me').map((l) => l.userId)).toEqual([registered.user.id]);
    for (const secret of [
      PASSWORD,
      'a wrong password!',
      registered.refreshToken,
      login.refreshToken,
      login.accessToken,
    ]) {
      expect(out).not.toContain(secret);
    }
  });
});

describe('configuration', () => {
  it('stops at boot with a message naming each bad variable', async () => {
    const api = startProcess('main', { JWT_SECRET: 'short', PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    const { code } = await within(api.exited, 10_000, 'API exit');
    expect(code).toBe(78);
    const out = api.output();
    expect(out).toContain('JWT_SECRET must be at least 32 characters');
    expect(out).toMatch(/PORT .*number/);
    expect(out).toContain('DATABASE_URL must be a URL starting with postgres: or postgresql:');
    expect(out).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('names a missing required variable', async () => {
    const api = startProcess('worker', { REDIS_URL: '' });
    expect((await within(api.exited, 10_000, 'worker exit')).code).toBe(78);
    expect(api.output()).toContain('REDIS_URL is required');
  });

  it('refuses to start in production without UNSUBSCRIBE_SECRET, naming it', async () => {
    const worker = startProcess('worker', { NODE_ENV: 'production', UNSUBSCRIBE_SECRET: '' });
    expect((await within(worker.exited, 10_000, 'worker exit')).code).toBe(78);
    expect(worker.output()).toContain('UNSUBSCRIBE_SECRET is required when NODE_ENV=production');
  });

  it('refuses to start in production without CALENDAR_FEED_SECRET, naming it', async () => {
    const api = startProcess('main', {
      NODE_ENV: 'production',
      UNSUBSCRIBE_SECRET: 'u'.repeat(40),
      CALENDAR_FEED_SECRET: '',
    });
    expect((await within(api.exited, 10_000, 'api exit')).code).toBe(78);
    expect(api.output()).toContain('CALENDAR_FEED_SECRET is required when NODE_ENV=production');
  });
});

describe('admin:promote CLI', () => {
  it('makes a registered user an admin, whose next token carries the role', async () => {
    const { input } = await registerUser(app.url);

    const cli = startProcess('cli/promote-admin', {}, [input.email.toUpperCase()]);
    expect((await within(cli.exited, 10_000, 'promote-admin')).code).toBe(0);
    expect(cli.output()).toContain(`${input.email.toUpperCase()} is now ADMIN`);
    const { login } = ok(await execute(app.url, LoginDocument, { email: input.email, password: PASSWORD }));
    expect(login.user.role).toBe('ADMIN');

    const unknown = startProcess('cli/promote-admin', {}, ['nobody@example.test']);
    expect((await within(unknown.exited, 10_000, 'promote-admin')).code).toBe(1);
    expect(unknown.output()).toContain('no user has the email nobody@example.test');
  });
});
