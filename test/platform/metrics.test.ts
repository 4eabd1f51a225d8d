import type { Job } from 'bullmq';
import { MAX_OPERATION_LABELS } from '../../src/core/metrics/metrics';
import { EMAIL_JOB } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser } from '../helpers/factories';
import { execute } from '../helpers/graphql';
import { startSmtpSink } from '../helpers/smtp';
import { LoginDocument, MeDocument } from '../generated/graphql';

const TOKEN = 'a-metrics-token-for-tests';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ METRICS_TOKEN: TOKEN, METRICS_PORT: '0' });
});
afterAll(() => app.close());

const scrape = async (url: string, token: string | null = TOKEN) => {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

/** The value of one series (name and every label given must match), or 0 when it is absent. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('the API’s /metrics', () => {
  it('answers only with the token on the public port, in Prometheus text format', async () => {
    expect((await scrape(`${app.url}/metrics`, null)).status).toBe(401);
    expect((await scrape(`${app.url}/metrics`, 'a-wrong-token-of-some-length')).status).toBe(401);
    const ok = await scrape(`${app.url}/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.type).toContain('text/plain');
    expect(ok.text).toContain('# TYPE rapport_graphql_operation_duration_seconds histogram');
    expect(valueOf(ok.text, 'rapport_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(ok.text).toMatch(/rapport_queue_jobs\{[^}]*queue="emails"[^}]*state="delayed"/);
  });

  it('counts the operations, their errors and the HTTP requests a test makes', async () => {
    const user = await signedInUser(app.url);
    const before = (await scrape(`${app.url}/metrics`)).text;
    for (let i = 0; i < 3; i++) await user.ok(MeDocument);
    await execute(app.url, LoginDocument, { email: user.input.email, password: 'not the password at all' });
    await execute(app.url, LoginDocument, { email: user.input.email, password: 'still not the password' });
    const after = (await scrape(`${app.url}/metrics`)).text;

    const delta = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('rapport_graphql_operation_duration_seconds_count', { operation: 'Me', type: 'query' })).toBe(3);
    expect(delta('rapport_graphql_operation_duration_seconds_count', { operation: 'Login', type: 'mutation' })).toBe(2);
    expect(delta('rapport_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBe(2);
    expect(
      delta('rapport_http_request_duration_seconds_count', { route: '/graphql', method: 'POST', status: '2xx' }),
    ).toBe(5);
  });

  it('keeps operation names a client invents from growing the series without end', async () => {
    for (let i = 0; i < MAX_OPERATION_LABELS + 50; i++) {
      await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query Made${i} { __typename }` }),
      });
    }
    const { text } = await scrape(`${app.url}/metrics`);
    const names = new Set(
      [...text.matchAll(/rapport_graphql_operation_duration_seconds_count\{[^}]*operation="([^"]+)"/g)].map(
        (m) => m[1],
      ),
    );
    expect(names.size).toBeLessThanOrEqual(MAX_OPERATION_LABELS + 3);
    expect(names.has('__other')).toBe(true);
  });

  it('is also on a listener of its own (METRICS_PORT), with /readyz and the worker’s view', async () => {
    const port = app.http.metricsPort();
    expect(port).not.toBeNull();
    const own = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(own.status).toBe(200);
    expect(own.text).toContain('rapport_http_request_duration_seconds');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ready');
    // No worker runs beside this API: shown, not gating.
    expect(body.checks.workers).toMatchObject({ ok: false });
  });
});

describe('the worker’s /metrics', () => {
  it('counts each email it sends by kind and outcome, and the reconciler’s runs', async () => {
    const sink = await startSmtpSink();
    const worker = await startEmailWorker(app, sink.url, { WORKER_METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
    try {
      expect(worker.metricsPort).not.toBeNull();
      const url = `http://127.0.0.1:${worker.metricsPort}/metrics`;
      const before = (await scrape(url)).text;
      const user = await signedInUser(app.url);
      await insertDueOutreach(app.infra.ds, user.user.id, {
        count: 4,
        tag: 'metric',
        domain: 'metrics.example',
        dueSecondsAgo: 600,
      });
      // No timers: the reconciler's job finds the due rows and queues them.
      const swept = (await worker.process({ name: EMAIL_JOB.sweep, data: {} } as Job)) as { requeued: number };
      expect(swept.requeued).toBeGreaterThanOrEqual(4);
      await eventually(() => sink.messages.filter((m) => m.envelope.to[0]?.endsWith('@metrics.example')).length === 4);
      const after: string = await eventually(async () => {
        const { text } = await scrape(url);
        return valueOf(text, 'rapport_emails_processed_total', { kind: 'OUTREACH', outcome: 'SENT' }) -
          valueOf(before, 'rapport_emails_processed_total', { kind: 'OUTREACH', outcome: 'SENT' }) ===
          4
          ? text
          : Promise.reject(new Error('not counted yet'));
      });
      expect(after).toMatch(/rapport_outbox_overdue_rows\S* \d/);
      const runs = (text: string) => valueOf(text, 'rapport_reconciler_runs_total', { result: 'done' });
      expect(runs(after) - runs(before)).toBe(1);
      const requeued = (text: string) => valueOf(text, 'rapport_reconciler_repairs_total', { action: 'requeued' });
      expect(requeued(after) - requeued(before)).toBe(swept.requeued);
      expect((await scrape(url, null)).status).toBe(401);
      const readyz = await fetch(`http://127.0.0.1:${worker.metricsPort}/readyz`);
      expect(((await readyz.json()) as { checks: Record<string, unknown> }).checks).toHaveProperty(
        'reconcilerScheduled',
      );
    } finally {
      await worker.close();
      await sink.close();
    }
  });
});
