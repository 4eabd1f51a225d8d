import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, registerUser, signedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { startProcess, within } from '../helpers/processes';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { LoginDocument } from '../generated/graphql';
import { FULL, report, SCALE, timeoutMs } from './fault-scale';

const ACCOUNT_LIMIT = 5;
let app: TestApp;
let sink: SmtpSink;
beforeAll(async () => {
  app = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: String(ACCOUNT_LIMIT), TRUST_PROXY: 'loopback' });
  sink = await startSmtpSink({ parse: false });
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

it('runs argon2 for at most the limit of 200 parallel wrong logins to one account', async () => {
  const { input } = await registerUser(app.url);
  const hasher = app.http.services.auth.hasher;
  const before = hasher.stats.verifications;
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      execute(
        app.url,
        LoginDocument,
        { email: input.email, password: `wrong-${i}` },
        { headers: { 'x-forwarded-for': `10.20.${i >> 8}.${i & 255}` } },
      ),
    ),
  );
  const codes: Record<string, number> = {};
  for (const r of results)
    codes[String(errorOf(r).extensions?.code)] = (codes[String(errorOf(r).extensions?.code)] ?? 0) + 1;
  const verified = hasher.stats.verifications - before;
  report('parallel wrong logins', { logins: 200, verified, codes, peakConcurrentHashes: hasher.stats.peakConcurrent });
  expect(verified).toBe(ACCOUNT_LIMIT);
  expect(codes).toEqual({ UNAUTHENTICATED: ACCOUNT_LIMIT, RATE_LIMITED: 200 - ACCOUNT_LIMIT });
});

it(
  'finishes or releases every active job on SIGTERM, and leaves none UNCERTAIN',
  async () => {
    const N = SCALE.shutdownEmails;
    const shutdownMs = FULL ? 10_000 : 3_000;
    const user = await signedInUser(app.url);
    const rows = await insertDueOutreach(app.infra.ds, user.user.id, {
      count: N,
      tag: 'shutdown',
      domain: 'shutdown.example.test',
      dueSecondsAgo: 10,
    });
    await app.http.services.emailTimers.requeue(rows.map((r) => ({ id: r.id, sendAt: new Date(), attempts: 0 })));
    // Every job active at once, a few in SMTP, the rest waiting for a connection, when SIGTERM
    // comes; sending them all would take several times the shutdown timeout.
    await sink.setMode('slow', { delayMs: FULL ? 3_000 : 1_500 });
    const env = {
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: sink.url,
      WORKER_CONCURRENCY: String(N),
      EMAIL_LEASE_SECONDS: '10',
      WORKER_SHUTDOWN_TIMEOUT_MS: String(shutdownMs),
    };
    const worker = startProcess('worker', env);
    await worker.waitForLog('worker ready');
    const inSmtp = await eventually(async () => {
      const [{ n }]: { n: number }[] = await app.infra.ds.query(
        `SELECT count(*)::int AS n FROM scheduled_emails WHERE user_id = $1 AND smtp_started_at IS NOT NULL AND status = 'SENDING'`,
        [user.user.id],
      );
      if (!n) throw new Error('nothing in SMTP yet');
      return n;
    });
    worker.child.kill('SIGTERM');
    // It honours its shutdown timeout (plus start-up slack), though sending everything would take longer.
    const { code } = await within(worker.exited, shutdownMs + 5_000, 'worker shutdown');
    expect(code).toBe(0);

    const after: { status: string; message_id: string }[] = await app.infra.ds.query(
      `SELECT status, message_id FROM scheduled_emails WHERE user_id = $1`,
      [user.user.id],
    );
    const counts: Record<string, number> = {};
    for (const r of after) counts[r.status] = (counts[r.status] ?? 0) + 1;
    report('SIGTERM with active jobs', { emails: N, inSmtpAtSigterm: inSmtp, ...counts, received: sink.total });
    // Finished (SENT, arrived once) or released (PENDING, nothing sent): no lease left to expire.
    for (const row of after) {
      expect(['SENT', 'PENDING']).toContain(row.status);
      expect(sink.count(row.message_id)).toBe(row.status === 'SENT' ? 1 : 0);
    }
    expect(counts.SENT).toBeGreaterThanOrEqual(inSmtp);

    // A new worker sends what was released.
    await sink.setMode('accept');
    const next = startProcess('worker', { ...env, RECONCILE_EVERY_SECONDS: '1' });
    try {
      await next.waitForLog('worker ready');
      await eventually(
        () => sink.countOf(rows.map((r) => r.message_id)) === N || Promise.reject(new Error('not yet')),
        {
          timeoutMs: 30_000,
        },
      );
    } finally {
      next.child.kill('SIGTERM');
      await within(next.exited, 20_000, 'worker shutdown');
    }
    expect(sink.duplicates()).toEqual([]);
  },
  timeoutMs(90_000, 180_000),
);
