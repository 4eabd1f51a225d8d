#!/usr/bin/env node
// The email pipeline benchmark (issue 5, item 7): the real outbox, the real BullMQ timers and the
// real worker process delivering through nodemailer into an SMTP sink on loopback, next to the
// floor — a bare nodemailer pooled loop into the same sink.
//
//   emailBench({ databaseUrl, redisUrl, quick, log })   called by scripts/bench.mjs; returns { results, lines }
//   node bench/email.mjs [--quick] [--only=spread,burst,soak,floor] [--worker-node-args="--cpu-prof"]
//                                                        stand-alone: starts its own PostgreSQL and Redis
//   node bench/email.mjs --burst=5000 [--rounds=3] [--statements]
//                        burst and floor only, N each, interleaved round by round (the ratio of each
//                        round is from the same minute); --statements lists the worker's SQL
//
// How each email is made: a meeting (with its contact and organisation) is inserted with SQL, as
// fixture data; its thank-you is then planned by Rapport's own planner — OutboxService.syncMeeting
// inside a transaction, then OutboxService.commit, which adds the delayed BullMQ job through
// EmailQueue — exactly what `scheduleMeeting` does after its own writes. The compiled worker
// (dist/src/worker.js, NODE_ENV=production, default settings) then claims, re-checks, renders and
// sends it. Timestamps come from the database (the CLAIMED event, by PostgreSQL's clock) and from
// the sink's own clock, on the same machine; nothing in Rapport is changed to measure it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { eventually, GiveUp } from '../scripts/lib/eventually.cjs';
import { startSmtpSink } from '../scripts/lib/smtp-sink.cjs';
import { cpuMs, rssMb, startBenchServers } from './servers.mjs';
import { slopeMbPerMinute } from './slope.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const QUEUE_PREFIX = 'rapport-email-bench';
const FROM_ADDRESS = 'rapport@bench.example';
const PUBLIC_URL = 'https://rapport.bench.example';
// Production config requires one; the bench never verifies a link, so any value will do.
const UNSUBSCRIBE_SECRET = randomBytes(48).toString('base64');
const CALENDAR_FEED_SECRET = randomBytes(48).toString('base64');
/** Comment carried by the benchmark's own SQL, so pg_stat_statements deltas leave it out. */
const TAG = '/* email-bench */';

/** Scenario sizes: the issue's numbers, and a quick correctness check. */
export const EMAIL_SIZES = {
  full: {
    warmup: 1_000,
    // 200/s: well within what the pipeline sustains here, so lateness is the timers' own.
    steady: { n: 2_000, overMs: 10_000 },
    spread: { n: 10_000, overMs: 10_000 },
    burst: { n: 10_000 },
    soak: { rate: 200, seconds: 60 },
  },
  quick: { warmup: 100, steady: null, spread: null, burst: { n: 500 }, soak: null },
};

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const quantile = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] };
}
const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const triple = (s, digits = 0) => `${fmt(s.p50, digits)} / ${fmt(s.p99, digits)} / ${fmt(s.max, digits)}`;

// Polls every 50 ms: a tighter loop would take CPU from what is measured.
const waitFor = (check, what, timeoutMs) => eventually(check, { what, timeoutMs, intervalMs: 50 });

// ---------------------------------------------------------------------------------------------
// The worker process: dist/src/worker.js with production settings.
// ---------------------------------------------------------------------------------------------

function startWorker({ databaseUrl, redisUrl, smtpUrl, jwtSecret, nodeArgs = [], env = {} }) {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist', 'src', 'worker.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX,
      JWT_SECRET: jwtSecret,
      UNSUBSCRIBE_SECRET,
      CALENDAR_FEED_SECRET,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: smtpUrl,
      MAIL_FROM_ADDRESS: FROM_ADDRESS,
      PUBLIC_URL,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-200_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-200_000)));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    pid: child.pid,
    output: () => output,
    ready: () =>
      waitFor(
        () => {
          if (child.exitCode !== null) throw new GiveUp(`worker exited (${child.exitCode}):\n${output}`);
          return output.includes('"worker ready"');
        },
        'worker start',
        30_000,
      ),
    /** Problems the worker logged (warnings and errors), for the report. */
    problems: () =>
      output
        .split('\n')
        .filter((l) => /"level":(40|50|60)/.test(l))
        .slice(0, 5),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement probes: CPU of the worker, its PostgreSQL backends and Redis; SQL statements.
// ---------------------------------------------------------------------------------------------

async function probes({ client, redis, workerPid }) {
  const { rows: ext } = await client.query(`${TAG} SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
  const statements = ext.length > 0;
  const backendPids = async () =>
    (
      await client.query(`${TAG} SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'rapport-worker%'`)
    ).rows.map((r) => r.pid);
  const redisCpu = async () => {
    const info = await redis.info('cpu');
    const get = (k) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return (get('used_cpu_user') + get('used_cpu_sys')) * 1000;
  };
  const sql = async () => {
    if (!statements) return null;
    const { rows } = await client.query(
      `${TAG} SELECT coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)'), 0)::float AS tx,
              coalesce(sum(calls) FILTER (WHERE query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)'), 0)::float AS calls,
              coalesce(sum(total_exec_time), 0)::float AS ms
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query NOT LIKE '%email-bench%' AND query !~* 'pg_stat_statements' AND toplevel`,
    );
    return rows[0];
  };
  // Row updates and how many were HOT, per table the worker writes (pg_stat_user_tables; a
  // backend reports its counts when it goes idle, within 10 s, so they are read after a pause).
  const tables = async () => {
    const { rows } = await client.query(
      `${TAG} SELECT relname, n_tup_upd::float AS upd, n_tup_hot_upd::float AS hot, n_tup_ins::float AS ins
         FROM pg_stat_user_tables WHERE relname IN ('scheduled_emails', 'contacts', 'email_events')`,
    );
    return Object.fromEntries(rows.map((r) => [r.relname, r]));
  };
  const statementStats = async () => {
    if (!statements) return [];
    const { rows } = await client.query(
      `${TAG} SELECT queryid::text AS id, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query, calls::float AS calls,
              rows::float AS rows, total_exec_time::float AS ms, total_plan_time::float AS plan_ms,
              (shared_blks_hit + shared_blks_read)::float AS blks, wal_records::float AS wal
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query NOT LIKE '%email-bench%' AND query !~* 'pg_stat_statements' AND toplevel`,
    );
    return rows;
  };
  // Redis commands by name (INFO commandstats): the worker's round trips per job.
  const commands = async () => {
    const info = await redis.info('commandstats');
    return Object.fromEntries([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
  };
  const commandDelta = (a, b, n) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([k, v]) => [k, (v - (a[k] ?? 0)) / n])
        .filter(([, v]) => v >= 0.01)
        .sort((x, y) => y[1] - x[1]),
    );
  const snapshot = async () => {
    const pids = await backendPids();
    return {
      at: Date.now(),
      worker: cpuMs(workerPid),
      pg: Object.fromEntries(pids.map((p) => [p, cpuMs(p)])),
      redis: await redisCpu(),
      sql: await sql(),
      self: process.cpuUsage(),
    };
  };
  const delta = (a, b, n) => {
    let pg = 0;
    for (const [pid, ms] of Object.entries(b.pg)) pg += ms - (a.pg[pid] ?? 0);
    const self = process.cpuUsage(a.self);
    return {
      workerCpuMsPerEmail: (b.worker - a.worker) / n,
      pgCpuMsPerEmail: pg / n,
      redisCpuMsPerEmail: (b.redis - a.redis) / n,
      sinkCpuMsPerEmail: (self.user + self.system) / 1000 / n,
      sqlPerEmail: a.sql && b.sql ? (b.sql.calls - a.sql.calls) / n : null,
      transactionControlPerEmail: a.sql && b.sql ? (b.sql.tx - a.sql.tx) / n : null,
      dbMsPerEmail: a.sql && b.sql ? (b.sql.ms - a.sql.ms) / n : null,
    };
  };
  /** Per table: updates, HOT share and inserts per email between two `tables()` reads. */
  const tableDelta = (a, b, n) =>
    Object.fromEntries(
      Object.keys(b).map((t) => {
        const upd = b[t].upd - (a[t]?.upd ?? 0);
        return [
          t,
          {
            updatesPerEmail: upd / n,
            hotShare: upd ? (b[t].hot - (a[t]?.hot ?? 0)) / upd : null,
            insertsPerEmail: (b[t].ins - (a[t]?.ins ?? 0)) / n,
          },
        ];
      }),
    );
  /** Per statement, what ran between two `statements()` reads, by total execution time. */
  const statementDelta = (a, b, n) => {
    const before = new Map(a.map((r) => [r.id, r]));
    return b
      .map((r) => {
        const o = before.get(r.id) ?? { calls: 0, rows: 0, ms: 0, plan_ms: 0, blks: 0, wal: 0 };
        return {
          query: r.query,
          callsPerEmail: (r.calls - o.calls) / n,
          rowsPerCall: (r.rows - o.rows) / Math.max(1, r.calls - o.calls),
          msPerEmail: (r.ms - o.ms) / n,
          planMsPerEmail: (r.plan_ms - o.plan_ms) / n,
          blocksPerEmail: (r.blks - o.blks) / n,
          walRecordsPerEmail: (r.wal - o.wal) / n,
        };
      })
      .filter((r) => r.callsPerEmail > 0)
      .sort((x, y) => y.msPerEmail - x.msPerEmail);
  };
  return { snapshot, delta, tables, tableDelta, statementStats, statementDelta, commands, commandDelta };
}

// ---------------------------------------------------------------------------------------------
// Fixture and planning
// ---------------------------------------------------------------------------------------------

/** Verified users (sending window all day, thank-you at the meeting's end) with one organisation each. */
async function createSenders(client, tag, count) {
  const { rows } = await client.query(
    `${TAG} WITH u AS (
       INSERT INTO users (email, name, password_hash, timezone, sending_window_start_minute, sending_window_end_minute, thank_you_delay_minutes, email_verified_at)
       SELECT 'sender-' || $1 || '-' || i || '@bench.example', 'Ada Sender ' || i, 'not-a-real-hash', 'Europe/London', 0, 1440, 0, now()
       FROM generate_series(1, $2) i
       RETURNING id, name)
     INSERT INTO organisations (user_id, name, website, industry, location, structure_notes, culture_notes)
     SELECT id, 'Acme Robotics for ' || name, 'https://acme.example', 'Robotics', 'Manchester',
            'Flat teams of eight; each team owns one product line end to end.',
            'Small teams, written proposals, Friday demos; people stay for years.'
     FROM u
     RETURNING user_id, id`,
    [tag, count],
  );
  return { userIds: rows.map((r) => r.user_id), orgIds: rows.map((r) => r.id) };
}

/**
 * N meetings (each with its own contact) that started 45 minutes before `t0` and end at
 * t0 + i·spread/N: each one's thank-you is due at its end.
 */
async function createMeetings(client, { tag, senders, n, t0, overMs }) {
  const { rows } = await client.query(
    `${TAG} WITH g AS (
       SELECT i, gen_random_uuid() AS contact_id, ($1::uuid[])[1 + i % $3] AS user_id, ($2::uuid[])[1 + i % $3] AS org_id
       FROM generate_series(0, $4 - 1) i),
     c AS (
       INSERT INTO contacts (id, user_id, first_name, last_name, email, title, organisation_id, stage)
       SELECT contact_id, user_id, 'Grace', 'Hopper ' || i, 'grace-' || $5 || '-' || i || '@recipients.example',
              'Engineering manager', org_id, 'SCHEDULED'
       FROM g RETURNING id)
     INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone, location, send_follow_up)
     SELECT user_id, contact_id, 'Grace Hopper ' || i, org_id, 'Informational interview ' || i,
            $6::timestamptz - interval '45 minutes',
            $6::timestamptz + make_interval(secs => floor(i::float8 * $7 / $4) / 1000.0),
            'Europe/London', 'Their office, 3rd floor', false
     FROM g
     RETURNING id, user_id`,
    [senders.userIds, senders.orgIds, senders.userIds.length, n, tag, new Date(t0).toISOString(), overMs],
  );
  return rows;
}

/** Plans every meeting's emails with Rapport's own planner, in transactions of 100, 4 at a time. */
async function planAll(app, meetings) {
  const BATCH = 100;
  const batches = [];
  for (let i = 0; i < meetings.length; i += BATCH) batches.push(meetings.slice(i, i + BATCH));
  let next = 0;
  let planned = 0;
  const lane = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const changes = await app.ds.transaction(async (m) => {
        const out = [];
        for (const meeting of batch) out.push(...(await app.outbox.syncMeeting(m, meeting.user_id, meeting.id)));
        return out;
      });
      await app.outbox.commit(changes);
      planned += changes.length;
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  return planned;
}

async function redisUsedMemory(redis) {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)[1]);
}

// ---------------------------------------------------------------------------------------------
// One scenario: plan N thank-yous due from t0 over `overMs`, let the worker send them, measure.
// ---------------------------------------------------------------------------------------------

async function runScenario(ctx, { name, n, overMs, sampleRss = false, detail = false }) {
  const { client, app, redis, sink, worker, log } = ctx;
  const tag = `${name}-${Date.now().toString(36)}`;
  const senders = await createSenders(client, tag, Math.max(1, Math.min(50, Math.ceil(n / 200))));

  // Time to plan N, with a margin: every timer must exist before the first one is due.
  // (`--burst` allows for a loaded machine's slower planning: two and a half times over.)
  const planMs = Math.ceil((n / ctx.planRate) * 1000 * (ctx.planMargin ?? 1.5)) + 2_000;
  const t0 = Date.now() + planMs;
  const meetings = await createMeetings(client, { tag, senders, n, t0, overMs });
  // Statistics as a long-running database has them (the harness's seed does the same).
  await client.query(`${TAG} ANALYZE users, organisations, contacts, meetings, scheduled_emails, email_events`);
  const memBefore = await redisUsedMemory(redis);
  const planStart = Date.now();
  const planned = await planAll(app, meetings);
  const planEnd = Date.now();
  ctx.planRate = (n / (planEnd - planStart)) * 1000;
  if (planned !== n) throw new Error(`${name}: the planner planned ${planned} emails for ${n} meetings`);
  if (planEnd > t0 - 200) {
    throw new Error(`${name}: planning took ${planEnd - planStart} ms, past the first due time; no numbers reported`);
  }
  const memAfter = await redisUsedMemory(redis);
  const { rows: idRows } = await client.query(
    `${TAG} SELECT message_id FROM scheduled_emails WHERE user_id = ANY($1) AND status = 'PENDING'`,
    [senders.userIds],
  );
  if (idRows.length !== n) throw new Error(`${name}: ${idRows.length} pending rows for ${n} planned`);
  const ids = idRows.map((r) => r.message_id);
  const delayed = await app.queue.getDelayedCount();
  const jobKeys = [];
  for (const job of await app.queue.getDelayed(0, 99)) jobKeys.push(`${QUEUE_PREFIX}:emails:${job.id}`);
  let hashBytes = 0;
  for (const key of jobKeys) hashBytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  log(
    'email',
    `${name}: ${n} emails planned in ${planEnd - planStart} ms; ${delayed} timers pending; due in ${t0 - Date.now()} ms`,
  );

  const tablesBefore = detail ? await ctx.probe.tables() : null;
  const statementsBefore = detail ? await ctx.probe.statementStats() : null;
  const commandsBefore = detail ? await ctx.probe.commands() : null;
  const before = await ctx.probe.snapshot();
  const totalBefore = sink.total;
  const rss = [];
  let sampler = null;
  if (sampleRss) {
    await sleep(Math.max(0, t0 - Date.now()));
    const sample = () => rss.push({ at: Date.now(), mb: rssMb(worker.pid) });
    sample();
    sampler = setInterval(sample, 1000);
  }
  const timeoutMs = Math.max(60_000, overMs + n * 25);
  try {
    // The cheap test first: walking N ids every 50 ms would take CPU from what is measured.
    await waitFor(
      () => sink.total - totalBefore >= n && sink.countOf(ids) === n,
      `${name}: ${n} emails at the sink`,
      t0 - Date.now() + timeoutMs,
    );
    await waitFor(
      async () =>
        (
          await client.query(
            `${TAG} SELECT count(*)::int AS n FROM scheduled_emails WHERE user_id = ANY($1) AND status = 'SENT'`,
            [senders.userIds],
          )
        ).rows[0].n === n,
      `${name}: every email SENT in the database`,
      30_000,
    );
  } catch (err) {
    const { rows: states } = await client.query(
      `${TAG} SELECT status, count(*)::int AS n FROM scheduled_emails WHERE user_id = ANY($1) GROUP BY 1`,
      [senders.userIds],
    );
    log(
      'email',
      `${name}: ${JSON.stringify(states)}; ${await app.queue.getDelayedCount()} delayed, ${await app.queue.getWaitingCount()} waiting, ${await app.queue.getActiveCount()} active`,
    );
    log(
      'email',
      `${name}: ${sink.total - totalBefore} of ${n} at the sink; the worker's last lines:\n${worker.output().slice(-3_000)}`,
    );
    throw err;
  } finally {
    if (sampler) clearInterval(sampler);
  }
  if (sampleRss) rss.push({ at: Date.now(), mb: rssMb(worker.pid) });
  const after = await ctx.probe.snapshot();

  // None lost, none doubled — or no numbers.
  const doubled = ids.filter((id) => sink.arrivals.get(id)?.length !== 1);
  if (doubled.length) {
    throw new Error(
      `${name}: ${doubled.length} emails did not arrive exactly once (e.g. ${doubled[0]}); no numbers reported`,
    );
  }
  const { rows } = await client.query(
    `${TAG} SELECT s.message_id, extract(epoch FROM s.send_at) * 1000 AS due,
            (SELECT extract(epoch FROM min(e.created_at)) * 1000 FROM email_events e
              WHERE e.scheduled_email_id = s.id AND e.event = 'CLAIMED') AS claimed,
            s.attempts
       FROM scheduled_emails s WHERE s.user_id = ANY($1)`,
    [senders.userIds],
  );
  if (rows.some((r) => r.attempts !== 1 || r.claimed === null)) {
    throw new Error(`${name}: some emails were claimed more than once or not at all; no numbers reported`);
  }
  const dues = rows.map((r) => Number(r.due));
  const firstDue = Math.min(...dues);
  const lastDue = Math.max(...dues);
  const accepts = rows.map((r) => sink.arrivals.get(r.message_id)[0]);
  const lastAccept = Math.max(...accepts);
  const start = summary(rows.map((r) => Number(r.claimed) - Number(r.due)));
  const accept = summary(rows.map((r, i) => accepts[i] - Number(r.due)));
  const cost = ctx.probe.delta(before, after, n);
  const result = {
    n,
    overMs,
    emailsPerSecond: (n / Math.max(1, lastAccept - firstDue)) * 1000,
    drainMs: lastAccept - (overMs ? lastDue : firstDue),
    startLatenessMs: start,
    acceptLatenessMs: accept,
    redisBytesPerPendingEmail: (memAfter - memBefore) / n,
    redisJobHashBytes: jobKeys.length ? hashBytes / jobKeys.length : null,
    planningEmailsPerSecond: (n / (planEnd - planStart)) * 1000,
    ...cost,
  };
  if (detail) {
    result.statements = ctx.probe.statementDelta(statementsBefore, await ctx.probe.statementStats(), n);
    result.redisCommandsPerEmail = ctx.probe.commandDelta(commandsBefore, await ctx.probe.commands(), n);
    // The worker's backends report their table counts within 10 s of going idle.
    await sleep(11_000);
    result.tables = ctx.probe.tableDelta(tablesBefore, await ctx.probe.tables(), n);
  }
  if (sampleRss) {
    result.rssMb = {
      start: rss[0].mb,
      peak: Math.max(...rss.map((s) => s.mb)),
      end: rss[rss.length - 1].mb,
      samples: rss.length,
      // "Flat" as a number: least squares over the samples after the first 10 s.
      slopeMbPerMinute: slopeMbPerMinute(rss, 10_000),
      // Each sample (MB, one a second): a sawtooth of collections and a steady climb can have the same slope.
      series: rss.map((x) => Math.round(x.mb)),
    };
  }
  log(
    'email',
    `${name}: ${fmt(result.emailsPerSecond)} emails/s, start lateness p50/p99/max ${triple(start)} ms, accept ${triple(accept)} ms, drain ${fmt(result.drainMs)} ms`,
  );
  return result;
}

// ---------------------------------------------------------------------------------------------
// The floor: a bare nodemailer pooled loop (5 connections) into the same sink.
// ---------------------------------------------------------------------------------------------

/** Run in a child process (`node bench/email.mjs --floor-child <file>`), like the worker is. */
async function floorChild(file) {
  const { smtpUrl, n, mail, runId, inFlight } = JSON.parse(readFileSync(file, 'utf8'));
  const nodemailer = require('nodemailer');
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 5,
    maxMessages: 1000,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 20_000,
  });
  let sent = 0;
  let failed = 0;
  const send = (i) =>
    transport.sendMail({ ...mail, messageId: `<floor-${runId}-${i}@bench.example>` }).then(
      () => sent++,
      () => failed++,
    );
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) await send(next++);
    }),
  );
  const ms = Date.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  transport.close();
  process.stdout.write(`${JSON.stringify({ sent, failed, ms, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
}

async function runFloor(sink, mail, n, runId) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-email-floor-'));
  try {
    const file = path.join(dir, 'job.json');
    // As many in flight as the Mailer allows (2 per connection).
    writeFileSync(file, JSON.stringify({ smtpUrl: sink.url, n, mail, runId, inFlight: 10 }));
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--floor-child', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const sinkBefore = process.cpuUsage();
    const code = await new Promise((resolve) => child.once('exit', resolve));
    const sinkCpu = process.cpuUsage(sinkBefore);
    if (code !== 0) throw new Error(`floor exited with ${code}`);
    const result = JSON.parse(out.trim().split('\n').pop());
    const ids = Array.from({ length: n }, (_, i) => `<floor-${runId}-${i}@bench.example>`);
    if (result.failed || sink.countOf(ids) !== n) throw new Error(`floor: ${result.failed} failed sends`);
    return {
      emailsPerSecond: (n / result.ms) * 1000,
      clientCpuMsPerEmail: result.cpuMs / n,
      sinkCpuMsPerEmail: (sinkCpu.user + sinkCpu.system) / 1000 / n,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fields of one message the pipeline sent, for the floor to send the same thing. */
async function floorMessage(raw) {
  const { simpleParser } = require('mailparser');
  const parsed = await simpleParser(raw);
  const headers = {};
  for (const name of ['list-unsubscribe', 'list-unsubscribe-post']) {
    const line = parsed.headerLines.find((h) => h.key === name);
    if (line) headers[name] = line.line.slice(line.line.indexOf(':') + 1).trim();
  }
  return {
    from: parsed.from.value[0],
    to: parsed.to.value[0],
    replyTo: parsed.replyTo?.value[0],
    subject: parsed.subject,
    text: parsed.text,
    html: parsed.html,
    headers,
  };
}

// ---------------------------------------------------------------------------------------------
// The entry point the harness calls
// ---------------------------------------------------------------------------------------------

/**
 * Runs the email pipeline benchmark against a migrated (or empty: it migrates) database and a
 * Redis; dist/ must be built. `log(scope, message)` reports progress. Throws, with no numbers,
 * when any email is lost or doubled. Returns { results, lines } — lines are a Markdown report.
 */
export async function emailBench({
  databaseUrl,
  redisUrl,
  quick = false,
  log = (scope, message) => process.stdout.write(`[${scope}] ${message}\n`),
  only = null,
  workerNodeArgs = [],
  workerEnv = {},
  sizes = quick ? EMAIL_SIZES.quick : EMAIL_SIZES.full,
  burstOnly = null,
}) {
  const wanted = (s) => !only || only.includes(s);
  const cleanups = [];
  try {
    const migrate = spawn(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'migrate.js'), 'up'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: 'ignore',
    });
    if ((await new Promise((r) => migrate.once('exit', r))) !== 0) throw new Error('migrations failed');

    // Counts by Message-ID with arrival times (its own clock); parses nothing.
    const sink = await startSmtpSink({ parse: false });
    cleanups.push(() => sink.close());
    const jwtSecret = randomBytes(48).toString('base64');

    // The planning side, as the API runs it: Rapport's own services from dist/.
    require('reflect-metadata');
    const { loadConfig } = require(path.join(root, 'dist/src/core/config.js'));
    const { openAppInfrastructure } = require(path.join(root, 'dist/src/app/infrastructure.js'));
    const { createServices } = require(path.join(root, 'dist/src/app/services.js'));
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '8',
      REDIS_URL: redisUrl,
      QUEUE_PREFIX,
      JWT_SECRET: jwtSecret,
      UNSUBSCRIBE_SECRET,
      CALENDAR_FEED_SECRET,
      MAIL_FROM_ADDRESS: FROM_ADDRESS,
      PUBLIC_URL,
      LOG_LEVEL: 'warn',
    });
    const infra = await openAppInfrastructure(config, 'cli');
    cleanups.push(() => infra.close());
    const services = createServices(infra);
    cleanups.push(() => services.emailQueue.close());
    const app = { ds: infra.ds, outbox: services.outbox, queue: services.emailQueue };
    const redis = infra.redis;

    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    cleanups.push(() => client.end());

    const worker = startWorker({
      databaseUrl,
      redisUrl,
      smtpUrl: sink.url,
      jwtSecret,
      nodeArgs: workerNodeArgs,
      env: workerEnv,
    });
    cleanups.push(() => worker.stop());
    await worker.ready();
    log('email', `worker ready (pid ${worker.pid}); sink ${sink.url}`);
    const probe = await probes({ client, redis, workerPid: worker.pid });
    const ctx = { client, app, redis, sink, worker, log, probe, planRate: 100 };

    const results = { redisHz: Number(/^hz:(\d+)/m.exec(await redis.info('server'))?.[1] ?? NaN) };
    if (burstOnly) {
      ctx.planMargin = 2.5;
      // Burst and floor, N each, round by round: each round's ratio is from the same minute.
      results.warmup = await runScenario(ctx, { name: 'warm-up', n: Math.min(1_000, burstOnly.n), overMs: 0 });
      const mail = await floorMessage(sink.sample);
      results.rounds = [];
      for (let i = 0; i < burstOnly.rounds; i++) {
        const burst = await runScenario(ctx, { name: `burst-${i + 1}`, n: burstOnly.n, overMs: 0, detail: true });
        const floor = await runFloor(sink, mail, burstOnly.n, `b${i}`);
        log(
          'email',
          `round ${i + 1}: pipeline / floor = ${fmt(burst.emailsPerSecond / floor.emailsPerSecond, 2)}; ${JSON.stringify({ ...burst, statements: undefined, floor })}`,
        );
        results.rounds.push({ burst, floor });
      }
      results.messageBytes = sink.bytes / sink.total;
      if (sink.duplicates().length) throw new Error('the sink received a Message-ID twice; no numbers reported');
      results.workerProblems = worker.problems();
      return { results, lines: burstReport(results, burstOnly.statements) };
    }
    if (sizes.warmup) results.warmup = await runScenario(ctx, { name: 'warm-up', n: sizes.warmup, overMs: 0 });
    if (sizes.steady && wanted('steady')) results.steady = await runScenario(ctx, { name: 'steady', ...sizes.steady });
    if (sizes.spread && wanted('spread')) results.spread = await runScenario(ctx, { name: 'spread', ...sizes.spread });
    if (sizes.burst && wanted('burst'))
      results.burst = await runScenario(ctx, { name: 'burst', overMs: 0, ...sizes.burst });
    if (sizes.soak && wanted('soak')) {
      const n = sizes.soak.rate * sizes.soak.seconds;
      results.soak = await runScenario(ctx, { name: 'soak', n, overMs: sizes.soak.seconds * 1000, sampleRss: true });
    }
    results.messageBytes = sink.total ? sink.bytes / sink.total : null;
    if (!quick && wanted('floor') && sink.sample) {
      const mail = await floorMessage(sink.sample);
      await runFloor(sink, mail, 1_000, 'warmup');
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await runFloor(sink, mail, 10_000, `r${i}`));
      const median = [...runs].sort((a, b) => a.emailsPerSecond - b.emailsPerSecond)[1];
      results.floor = { ...median, runs: runs.map((r) => r.emailsPerSecond) };
      log('email', `floor: ${runs.map((r) => fmt(r.emailsPerSecond)).join(', ')} emails/s`);
    }
    const duplicates = sink.duplicates();
    if (duplicates.length)
      throw new Error(`the sink received ${duplicates.length} Message-IDs twice; no numbers reported`);
    results.workerProblems = worker.problems();
    return { results, lines: report(results, quick) };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

function report(r, quick) {
  const lines = [
    '| Email scenario | N | emails/s | start lateness p50 / p99 / max ms | SMTP accept lateness p50 / p99 / max ms | drain s | CPU ms/email: worker / PG / Redis / sink | SQL/email |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const row = (label, s) =>
    lines.push(
      `| ${label} | ${s.n} | ${fmt(s.emailsPerSecond)} | ${triple(s.startLatenessMs)} | ${triple(s.acceptLatenessMs)} | ${fmt(s.drainMs / 1000, 2)} | ${fmt(s.workerCpuMsPerEmail, 2)} / ${fmt(s.pgCpuMsPerEmail, 2)} / ${fmt(s.redisCpuMsPerEmail, 2)} / ${fmt(s.sinkCpuMsPerEmail, 2)} | ${s.sqlPerEmail === null ? '–' : fmt(s.sqlPerEmail, 1)} |`,
    );
  const rate = (s) => `${fmt(s.n / (s.overMs / 1000))}/s`;
  if (r.steady) row(`steady: ${rate(r.steady)} for ${r.steady.overMs / 1000} s`, r.steady);
  if (r.spread) row(`spread: ${rate(r.spread)} for ${r.spread.overMs / 1000} s`, r.spread);
  if (r.burst) row(quick ? 'quick: due at one instant' : 'burst: due at one instant', r.burst);
  if (r.soak) row(`soak: ${rate(r.soak)} for ${r.soak.overMs / 1000} s`, r.soak);
  lines.push('');
  const pending = r.burst ?? r.spread;
  if (pending) {
    lines.push(
      `Redis per pending email: ${fmt(pending.redisBytesPerPendingEmail)} B (used_memory delta / N with ${pending.n} timers pending; job hash alone ${fmt(pending.redisJobHashBytes)} B by MEMORY USAGE). Redis hz ${r.redisHz}.`,
    );
  }
  if (r.soak?.rssMb) {
    lines.push(
      `Worker RSS over the soak (${r.soak.rssMb.samples} samples, 1/s): start ${fmt(r.soak.rssMb.start)} MB, peak ${fmt(r.soak.rssMb.peak)} MB, end ${fmt(r.soak.rssMb.end)} MB; slope after the first 10 s ${fmt(r.soak.rssMb.slopeMbPerMinute, 2)} MB/min (least squares).`,
    );
  }
  if (r.floor) {
    const best = r.burst?.emailsPerSecond;
    lines.push(
      `Floor (bare nodemailer pool, 5 connections, same sink, same message, ${fmt(r.messageBytes)} B): ${fmt(r.floor.emailsPerSecond)} emails/s (median of ${r.floor.runs.length}; CPU ms/email: client ${fmt(r.floor.clientCpuMsPerEmail, 2)}, sink ${fmt(r.floor.sinkCpuMsPerEmail, 2)})${best ? `; pipeline burst / floor = ${fmt(best / r.floor.emailsPerSecond, 2)}` : ''}.`,
    );
  }
  if (!quick) lines.push('', ...goals(r));
  if (r.workerProblems?.length) lines.push('', 'Worker warnings:', ...r.workerProblems.map((l) => `    ${l}`));
  return lines;
}

/** `--burst=N`: each round's pipeline and floor, the cost per email, and where PostgreSQL's time went. */
function burstReport(r, withStatements) {
  const pct = (x) => (x === null ? '–' : `${fmt(x * 100)} %`);
  const lines = [
    '| Round | N | pipeline emails/s | floor emails/s | ratio | CPU ms/email: worker / PG / Redis / sink (floor client) | SQL/email | DB ms/email | updates/email, HOT: scheduled_emails; contacts | event rows/email |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  r.rounds.forEach(({ burst: b, floor: f }, i) => {
    const se = b.tables.scheduled_emails ?? {};
    const c = b.tables.contacts ?? {};
    lines.push(
      `| ${i + 1} | ${b.n} | ${fmt(b.emailsPerSecond)} | ${fmt(f.emailsPerSecond)} | ${fmt(b.emailsPerSecond / f.emailsPerSecond, 2)} | ${fmt(b.workerCpuMsPerEmail, 2)} / ${fmt(b.pgCpuMsPerEmail, 2)} / ${fmt(b.redisCpuMsPerEmail, 2)} / ${fmt(b.sinkCpuMsPerEmail, 2)} (${fmt(f.clientCpuMsPerEmail, 2)}) | ${fmt(b.sqlPerEmail, 2)} | ${fmt(b.dbMsPerEmail, 3)} | ${fmt(se.updatesPerEmail, 2)}, ${pct(se.hotShare)}; ${fmt(c.updatesPerEmail, 2)}, ${pct(c.hotShare)} | ${fmt(b.tables.email_events?.insertsPerEmail, 2)} |`,
    );
  });
  const last = r.rounds.at(-1)?.burst;
  lines.push('', `Start lateness p50 / p99 / max (last round): ${triple(last.startLatenessMs)} ms.`);
  lines.push(
    '',
    `Redis commands per email (last round): ${Object.entries(last.redisCommandsPerEmail)
      .map(([k, v]) => `${k} ${fmt(v, 2)}`)
      .join(', ')}.`,
  );
  if (withStatements) {
    lines.push(
      '',
      '| Statement (last round) | calls/email | rows/call | exec ms/email | plan ms/email | blocks/email | WAL records/email |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...last.statements
        .slice(0, 12)
        .map(
          (s) =>
            `| \`${s.query.replace(/\|/g, '\\|')}\` | ${fmt(s.callsPerEmail, 3)} | ${fmt(s.rowsPerCall, 1)} | ${fmt(s.msPerEmail, 3)} | ${fmt(s.planMsPerEmail, 3)} | ${fmt(s.blocksPerEmail, 1)} | ${fmt(s.walRecordsPerEmail, 1)} |`,
        ),
    );
  }
  if (r.workerProblems?.length) lines.push('', 'Worker warnings:', ...r.workerProblems.map((l) => `    ${l}`));
  return lines;
}

/** The issue's email goals against this run's numbers. */
function goals(r) {
  const met = (ok) => (ok === null ? 'not measured' : ok ? 'met' : '**not met**');
  const rows = [
    [
      '≥ 1,500 emails/s (10k burst) and ≥ 0.75 × the floor',
      r.burst && r.floor
        ? `${fmt(r.burst.emailsPerSecond)}/s, ${fmt(r.burst.emailsPerSecond / r.floor.emailsPerSecond, 2)} × floor`
        : '–',
      met(
        r.burst && r.floor
          ? r.burst.emailsPerSecond >= 1500 && r.burst.emailsPerSecond >= 0.75 * r.floor.emailsPerSecond
          : null,
      ),
    ],
    [
      'start lateness p99 ≤ 25 ms at 1,000 due/s',
      r.spread ? `${fmt(r.spread.startLatenessMs.p99)} ms` : '–',
      met(r.spread ? r.spread.startLatenessMs.p99 <= 25 : null),
    ],
    [
      '10k burst drained in ≤ 8 s, none lost or doubled',
      r.burst ? `${fmt(r.burst.drainMs / 1000, 1)} s, all ${r.burst.n} once` : '–',
      met(r.burst ? r.burst.drainMs <= 8000 : null),
    ],
    [
      '≤ 1 KB of Redis per pending email',
      r.burst ? `${fmt(r.burst.redisBytesPerPendingEmail)} B` : '–',
      met(r.burst ? r.burst.redisBytesPerPendingEmail <= 1024 : null),
    ],
  ];
  return ['| Email goal | This run | |', '| --- | ---: | --- |', ...rows.map((c) => `| ${c.join(' | ')} |`)];
}

// ---------------------------------------------------------------------------------------------
// Stand-alone: `node bench/email.mjs [--quick] [--only=…] [--worker-node-args="…"]`
// ---------------------------------------------------------------------------------------------

async function standalone(argv) {
  const { build, ensureDependencies, log } = await import('../scripts/lib/bootstrap.mjs');
  const arg = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  ensureDependencies();
  if (!argv.includes('--no-build')) build();
  let servers = null;
  const cleanup = async () => {
    await servers?.stop();
    servers = null;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanup().then(() => process.exit(130)));
  try {
    servers = await startBenchServers('rapport-email-bench');
    const databaseUrl = await servers.createDatabase('rapport_email_bench');
    const { results, lines } = await emailBench({
      databaseUrl,
      redisUrl: servers.redisUrl,
      quick: argv.includes('--quick'),
      log,
      only: arg('only')?.split(',') ?? null,
      workerNodeArgs: arg('worker-node-args')?.split(' ').filter(Boolean) ?? [],
      burstOnly: arg('burst')
        ? { n: Number(arg('burst')), rounds: Number(arg('rounds') ?? 1), statements: argv.includes('--statements') }
        : null,
      workerEnv: Object.fromEntries(
        (arg('worker-env') ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => kv.split('=')),
      ),
    });
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return 0;
  } catch (err) {
    log('email', err.stack ?? String(err));
    return 1;
  } finally {
    await cleanup();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--floor-child') await floorChild(argv[1]);
  else process.exit(await standalone(argv));
}
