import { hostname } from 'node:os';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser } from '../helpers/factories';
import { startProcess, within } from '../helpers/processes';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { report, SCALE, timeoutMs } from './fault-scale';

// The mailer hands at most this many messages to SMTP at once (Mailer.create: its semaphore).
const SMTP_SLOTS = 10;
const N = SCALE.killedEmails;

let app: TestApp;
let sink: SmtpSink;
beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink({ parse: false });
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

const statusCounts = async (userId: string): Promise<Record<string, number>> => {
  const rows: { status: string; n: number }[] = await app.infra.ds.query(
    `SELECT status, count(*)::int AS n FROM scheduled_emails WHERE user_id = $1 GROUP BY status`,
    [userId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

/** Resolves once PostgreSQL has ended every session of the killed worker (its last statements are settled). */
const sessionsGone = () =>
  eventually(
    async () => {
      const [{ n }]: { n: number }[] = await app.infra.ds.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name LIKE 'rapport-worker%'`,
      );
      if (n) throw new Error(`${n} sessions of the killed worker still open`);
    },
    { timeoutMs: 10_000, intervalMs: 20 },
  );

it(
  'sends every email once while the worker is SIGKILLed at a random moment again and again; UNCERTAIN only for emails in SMTP at a kill',
  async () => {
    const started = Date.now();
    const user = await signedInUser(app.url);
    const rows = await insertDueOutreach(app.infra.ds, user.user.id, {
      count: N,
      tag: 'killed',
      domain: 'kills.example.test',
      dueSecondsAgo: 10,
    });
    // Every timer in Redis from the start, so each worker is busy the moment it is ready.
    await app.http.services.emailTimers.requeue(rows.map((r) => ({ id: r.id, sendAt: new Date(), attempts: 0 })));
    const env = {
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: sink.url,
      EMAIL_LEASE_SECONDS: '10',
      RECONCILE_EVERY_SECONDS: '1',
      WORKER_CONCURRENCY: '50',
    };

    // The rows each killed worker had handed to SMTP and not recorded: the only ones that may
    // end UNCERTAIN. Read once the dead process's sessions are gone, before the next starts.
    const inFlightAtKills = new Set<string>();
    const perKill: number[] = [];
    let kills = 0;
    // Until nothing is left to send or claimed: rows a killed worker held come back after their lease.
    const unfinished = async () => {
      const counts = await statusCounts(user.user.id);
      return (counts.PENDING ?? 0) + (counts.SENDING ?? 0) > 0;
    };
    while (kills < SCALE.maxKills && (await unfinished())) {
      const worker = startProcess('worker', env);
      await worker.waitForLog('worker ready');
      // A random phase: from just after start-up (connecting to SMTP) to well into its sends.
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      worker.child.kill('SIGKILL');
      await within(worker.exited, 5_000, 'SIGKILL');
      kills++;
      await sessionsGone();
      const held: { id: string }[] = await app.infra.ds.query(
        `SELECT id FROM scheduled_emails
         WHERE user_id = $1 AND status = 'SENDING' AND smtp_started_at IS NOT NULL AND lease_owner LIKE $2`,
        [user.user.id, `${hostname()}:${worker.child.pid}/%`],
      );
      perKill.push(held.length);
      for (const { id } of held) inFlightAtKills.add(id);
    }
    const sentBeforeSurvivor = sink.total;

    const survivor = startProcess('worker', env);
    let statuses: Record<string, number>;
    try {
      await survivor.waitForLog('worker ready');
      statuses = await eventually(
        async () => {
          const counts = await statusCounts(user.user.id);
          if (counts.PENDING || counts.SENDING) throw new Error(`still in flight: ${JSON.stringify(counts)}`);
          return counts;
        },
        { timeoutMs: timeoutMs(60_000, 120_000), intervalMs: 250 },
      );
    } finally {
      survivor.child.kill('SIGTERM');
      await within(survivor.exited, 15_000, 'worker shutdown');
    }

    const final: { id: string; message_id: string; status: string }[] = await app.infra.ds.query(
      `SELECT id, message_id, status FROM scheduled_emails WHERE user_id = $1`,
      [user.user.id],
    );
    const uncertain = final.filter((r) => r.status === 'UNCERTAIN');
    const sent = final.filter((r) => r.status === 'SENT');
    report('worker kills', {
      emails: N,
      kills,
      sentBeforeSurvivor,
      SENT: sent.length,
      UNCERTAIN: uncertain.length,
      inFlightAtKills: inFlightAtKills.size,
      perKill,
      received: sink.total,
      seconds: Math.round((Date.now() - started) / 1000),
    });

    expect(kills).toBeGreaterThanOrEqual(Math.min(SCALE.maxKills, 3));
    expect(sink.duplicates()).toEqual([]);
    expect(statuses).toEqual({ SENT: sent.length, ...(uncertain.length ? { UNCERTAIN: uncertain.length } : {}) });
    expect(sent.length + uncertain.length).toBe(N);
    // UNCERTAIN is bounded by what was really in SMTP at the kills (each UNCERTAIN row was among them).
    for (const row of uncertain)
      expect(inFlightAtKills.has(row.id) ? 'in flight at a kill' : row.id).toBe('in flight at a kill');
    // A kill finds at most the SMTP slots in use plus sends done whose SENT was being written.
    expect(inFlightAtKills.size).toBeLessThanOrEqual(kills * 2 * SMTP_SLOTS);
    // And most emails were sent: a run where nothing went out fails here.
    expect(sent.length).toBeGreaterThan(N / 4);
    // Every SENT email arrived exactly once; an UNCERTAIN one at most once; nothing else arrived.
    for (const row of sent) expect(sink.count(row.message_id)).toBe(1);
    for (const row of uncertain) expect(sink.count(row.message_id)).toBeLessThanOrEqual(1);
    expect(sink.total).toBe(sink.countOf(final.map((r) => r.message_id)));
  },
  timeoutMs(150_000, 600_000),
);

it('gives back, not UNCERTAIN, the emails a killed worker had not yet begun to hand over (its server slow to accept recipients)', async () => {
  const user = await signedInUser(app.url);
  const rows = await insertDueOutreach(app.infra.ds, user.user.id, {
    count: 10,
    tag: 'stall-',
    domain: 'kills.example.test',
    dueSecondsAgo: 10,
  });
  await app.http.services.emailTimers.requeue(rows.map((r) => ({ id: r.id, sendAt: new Date(), attempts: 0 })));
  await sink.setMode('by-recipient', { delayMs: 20_000 });
  const env = {
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: sink.url,
    EMAIL_LEASE_SECONDS: '10',
    RECONCILE_EVERY_SECONDS: '1',
  };
  const worker = startProcess('worker', env);
  await worker.waitForLog('worker ready');
  // Every connection is waiting for the reply to RCPT TO: nothing of any message has gone out.
  await eventually(async () => {
    const [{ n }]: { n: number }[] = await app.infra.ds.query(
      `SELECT count(*)::int AS n FROM scheduled_emails WHERE user_id = $1 AND status = 'SENDING'`,
      [user.user.id],
    );
    if (n < rows.length) throw new Error(`${n} claimed`);
  });
  await eventually(() => sink.connections >= 5 || Promise.reject(new Error('connecting')));
  worker.child.kill('SIGKILL');
  await within(worker.exited, 5_000, 'SIGKILL');
  await sessionsGone();
  await sink.setMode('accept');

  const survivor = startProcess('worker', env);
  try {
    await survivor.waitForLog('worker ready');
    const statuses = await eventually(
      async () => {
        const counts = await statusCounts(user.user.id);
        if (counts.PENDING || counts.SENDING) throw new Error(`still in flight: ${JSON.stringify(counts)}`);
        return counts;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(statuses).toEqual({ SENT: rows.length });
    for (const row of rows) expect(sink.count(row.message_id)).toBe(1);
  } finally {
    survivor.child.kill('SIGTERM');
    await within(survivor.exited, 15_000, 'worker shutdown');
  }
}, 90_000);
