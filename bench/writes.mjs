#!/usr/bin/env node
// The write path (issue 17): W1 scheduleMeeting (the meeting, its agenda, three outbox rows and
// their BullMQ timers), W2 completeMeeting with a full debrief, against a floor doing the same
// writes in hand-written SQL plus the same BullMQ call (bench/writes-floor.mjs); and W3, importing
// 20,000 LinkedIn rows (bench/import.mjs). Measured: SQL statements and DB time per operation
// (pg_stat_statements, K operations one after another), req/s with N requests in flight, CPU ms
// per operation and peak RSS of each server. Quick mode checks that Rapport and the floor wrote
// the same rows and timers, and fails when W1 takes more than 6 statements.
//
//   writesBench({ databaseUrl, redisUrl, quick, log })   called by scripts/bench.mjs; returns { results, lines }
//   node bench/writes.mjs [--quick] [--no-build]         stand-alone: starts its own PostgreSQL and Redis
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { eventually } from '../scripts/lib/eventually.cjs';
import { freePort } from '../scripts/lib/bootstrap.mjs';
import { benchAccount } from './account.mjs';
import { importBench } from './import.mjs';
import { cpuMs, rssMb, startBenchServers } from './servers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** W1's goal: at most this many SQL statements per scheduleMeeting (BEGIN/COMMIT not counted). */
export const W1_MAX_STATEMENTS = 6;

const SCHEDULE = `mutation W1($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id status startsAt endsAt } }`;
const COMPLETE = `mutation W2($id: ID!, $input: CompleteMeetingInput!) { completeMeeting(id: $id, input: $input) { id status closedAt } }`;

const HOUR = 3600_000;
const CONTACTS = 200;
const QUESTIONS = 5;

// Statements of this database, without transaction control and the measurement's own; top level
// only (what the server sent: a trigger's or a foreign key check's statements are part of one).
const STATEMENTS = `
SELECT coalesce(sum(calls), 0)::int AS calls, coalesce(sum(total_exec_time), 0)::float AS ms
  FROM pg_stat_statements
 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel
   AND query !~* 'pg_stat_statements' AND query !~* '^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)'`;

function spawnServer(script, env) {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return { child, output: () => output };
}

const stop = async ({ child }) => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
};

/** The user's contacts (each with an address, at one of 20 organisations) and past meetings to debrief. */
async function seedUser(client, userId, debriefs) {
  await client.query(
    `WITH orgs AS (
       INSERT INTO organisations (user_id, name) SELECT $1, 'Org ' || i FROM generate_series(1, 20) i RETURNING id
     ), numbered AS (SELECT id, row_number() OVER () AS n FROM orgs)
     INSERT INTO contacts (user_id, first_name, last_name, email, organisation_id, stage)
     SELECT $1, 'Person', 'No ' || i, 'person' || i || '@contacts.example', (SELECT id FROM numbered WHERE n = 1 + i % 20),
            'REQUESTED'
       FROM generate_series(1, $2::int) i`,
    [userId, CONTACTS],
  );
  // Past meetings, each with two agenda entries, still SCHEDULED: W2 debriefs them.
  await client.query(
    `WITH c AS (SELECT id, organisation_id, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE user_id = $1),
     m AS (
       INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone)
       SELECT $1, c.id, 'Person', c.organisation_id, 'Meeting ' || i,
              now() - interval '3 years' + i * interval '2 hours', now() - interval '3 years' + i * interval '2 hours' + interval '1 hour',
              'Europe/London'
         FROM generate_series(1, $2::int) i JOIN c ON c.n = 1 + i % $3
       RETURNING id
     )
     INSERT INTO meeting_agenda_items (user_id, meeting_id, position, category, text)
     SELECT $1, m.id, p, 'OTHER', 'Question ' || p FROM m, generate_series(0, 1) p`,
    [userId, debriefs, CONTACTS],
  );
  const contacts = (await client.query('SELECT id FROM contacts WHERE user_id = $1 ORDER BY id', [userId])).rows.map(
    (r) => r.id,
  );
  const questions = (
    await client.query('SELECT id FROM questions WHERE user_id = $1 ORDER BY id LIMIT $2', [userId, QUESTIONS])
  ).rows.map((r) => r.id);
  const meetings = (
    await client.query(
      `SELECT m.id, array_agg(a.id ORDER BY a.position) AS agenda FROM meetings m
         JOIN meeting_agenda_items a ON a.meeting_id = m.id
        WHERE m.user_id = $1 AND m.status = 'SCHEDULED' GROUP BY m.id ORDER BY m.id`,
      [userId],
    )
  ).rows;
  return { contacts, questions, meetings };
}

/** W1's input number i: a distinct two-hour slot, so every one is written (no overlap). */
function scheduleInput(seed, i) {
  const startsAt = new Date(Date.UTC(2027, 0, 4, 8) + i * 2 * HOUR);
  return {
    contactId: seed.contacts[i % seed.contacts.length],
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + HOUR).toISOString(),
    questionIds: seed.questions,
    agenda: [{ text: 'What would you do in my place?', category: 'ENTRY_PATHS' }],
  };
}

/** W2's input for a seeded meeting: notes, two answers, three insights, two promises, a lead, a referral. */
function completeInput(meeting, i, tag) {
  return {
    notes: 'Generous with time; suggested two people and a course.',
    answers: meeting.agenda.map((id, k) => ({ agendaItemId: id, answer: `Answer ${k} of meeting ${i}` })),
    insights: [
      { category: 'DAY_TO_DAY', text: 'Most of the week goes to reviews and planning.' },
      { category: 'SKILLS_AND_TRAINING', text: 'SQL and writing matter more than any framework.' },
      { category: 'HIRING_CHANNELS', text: 'They hire through referrals first.' },
    ],
    commitments: [
      { owner: 'ME', description: 'Send my portfolio', dueOn: '2027-02-01' },
      { owner: 'CONTACT', description: 'Introduce me to the hiring manager', dueOn: null },
    ],
    jobLeads: [{ title: 'Data analyst', url: 'https://jobs.example/analyst' }],
    referrals: [{ firstName: 'Referred', lastName: `Person ${i}`, email: `referral-${tag}-${i}@contacts.example` }],
  };
}

/** What a user's writes left: rows per table, and the BullMQ timers under a queue prefix. */
async function effects(client, userId, queue, sendJobId) {
  const { rows } = await client.query(
    `SELECT (SELECT count(*) FROM meetings WHERE user_id = $1 AND status = 'SCHEDULED' AND starts_at > now())::int AS meetings,
            (SELECT count(*) FROM meeting_agenda_items a JOIN meetings m ON m.id = a.meeting_id
              WHERE a.user_id = $1 AND m.starts_at > now())::int AS agenda_items,
            (SELECT count(*) FROM meetings WHERE user_id = $1 AND status = 'COMPLETED')::int AS completed,
            (SELECT count(*) FROM meeting_agenda_items WHERE user_id = $1 AND answer IS NOT NULL)::int AS answers,
            (SELECT count(*) FROM insights WHERE user_id = $1)::int AS insights,
            (SELECT count(*) FROM commitments WHERE user_id = $1)::int AS commitments,
            (SELECT count(*) FROM job_leads WHERE user_id = $1)::int AS job_leads,
            (SELECT count(*) FROM contacts WHERE user_id = $1 AND how_we_know = 'REFERRAL')::int AS referrals,
            (SELECT count(*) FROM scheduled_emails WHERE user_id = $1 AND status = 'PENDING' AND meeting_id IS NOT NULL)::int AS outbox_rows,
            (SELECT count(*) FROM email_events e JOIN scheduled_emails s ON s.id = e.scheduled_email_id
              WHERE e.user_id = $1 AND e.event = 'PLANNED' AND s.meeting_id IS NOT NULL)::int AS planned_events`,
    [userId],
  );
  // A timer for every planned row, by the id Rapport derives from the row (sendJobId).
  const planned = await client.query(
    `SELECT id, send_at FROM scheduled_emails WHERE user_id = $1 AND status = 'PENDING' AND meeting_id IS NOT NULL`,
    [userId],
  );
  const jobs = await Promise.all(planned.rows.map((r) => queue.getJob(sendJobId(r.id, r.send_at))));
  return { ...rows[0], jobs: jobs.filter(Boolean).length };
}

export async function writesBench({ databaseUrl, redisUrl, quick, log }) {
  const { default: pg } = await import('pg');
  const migrate = spawn(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'migrate.js'), 'up'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: 'ignore',
  });
  if ((await new Promise((r) => migrate.once('exit', r))) !== 0) throw new Error('migrations failed');

  const servers = [];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { createQueue } = require(path.join(root, 'dist/src/core/queue/queues.js'));
  const { sendJobId } = require(path.join(root, 'dist/src/modules/emails/email-queue.js'));
  const { default: IORedis } = await import('ioredis');
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  // The same queue (name, options) for both, under a prefix each so that their timers are counted apart.
  const queues = {
    rapport: createQueue('emails', { redis: { prefix: 'rapport-writes-bench' } }, redis),
    floor: createQueue('emails', { redis: { prefix: 'rapport-writes-floor' } }, redis),
  };
  try {
    const apiPort = await freePort();
    const api = spawnServer(path.join(root, 'dist', 'src', 'main.js'), {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '10',
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: 'rapport-writes-bench',
      JWT_SECRET: randomBytes(48).toString('base64'),
      UNSUBSCRIBE_SECRET: randomBytes(48).toString('base64'),
      CALENDAR_FEED_SECRET: randomBytes(48).toString('base64'),
      LOG_LEVEL: 'warn',
      PLAYGROUND_ENABLED: 'false',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
    });
    servers.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await eventually(async () => (await fetch(`${apiUrl}/readyz`)).ok, {
      what: 'API',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const account = (email) =>
      benchAccount(apiUrl, databaseUrl, {
        email,
        password: 'benchmark-password',
        name: 'Bench',
        timezone: 'Europe/London',
      });
    // Each request in flight books for a user of its own (a user's bookings are serialised by
    // their calendar lock, in Rapport and in the floor alike); the serial runs use the first.
    const USERS = quick ? 1 : 10;

    // K operations measured one after another, then (full mode) the load runs.
    const K = quick ? 20 : 100;
    const LOAD_MS = quick ? 0 : 5_000;
    const ROUNDS = quick ? 0 : 3;
    const IN_FLIGHT = 10;
    // Enough meetings to debrief for each user: K, plus what its lane can complete at a generous rate.
    const debriefs = K + 5 + ROUNDS * Math.ceil((LOAD_MS / 1000) * 150) + 20;
    log(
      'writes',
      `seeding ${USERS} users each for Rapport and the floor, with ${CONTACTS} contacts and ${debriefs} meetings to debrief each…`,
    );
    const users = { rapport: [], floor: [] };
    for (const name of ['rapport', 'floor']) {
      for (let j = 0; j < USERS; j++) {
        const { token, userId } = await account(`writes-${name}-${j}@bench.example`);
        users[name].push({ token, userId, seed: await seedUser(client, userId, debriefs), w1: 0, w2: 0 });
      }
    }
    await client.query('ANALYZE');

    const floorPort = await freePort();
    const floor = spawnServer(path.join(root, 'bench', 'writes-floor.mjs'), {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: 'rapport-writes-floor',
      PORT: String(floorPort),
      POOL_SIZE: '10',
    });
    servers.push(floor);
    await eventually(() => floor.output().includes('writes floor ready'), {
      what: `writes floor\n${floor.output()}`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });

    const post = async (url, headers, body) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const json = await res.json();
      if (!res.ok || json.errors) throw new Error(`${url}: ${res.status} ${JSON.stringify(json).slice(0, 400)}`);
      return json;
    };
    // Each user's next W1 slot and W2 meeting, so no operation repeats another.
    const debriefOf = (u) => {
      const i = u.w2++;
      const meeting = u.seed.meetings[i];
      if (!meeting) throw new Error('writes: every seeded meeting is debriefed; seed more');
      return { meeting, i };
    };
    const ops = {
      rapport: {
        pid: api.child.pid,
        W1: (lane) => {
          const u = users.rapport[lane];
          return post(
            `${apiUrl}/graphql`,
            { authorization: `Bearer ${u.token}` },
            JSON.stringify({ query: SCHEDULE, variables: { input: scheduleInput(u.seed, u.w1++) } }),
          );
        },
        W2: (lane) => {
          const u = users.rapport[lane];
          const { meeting, i } = debriefOf(u);
          return post(
            `${apiUrl}/graphql`,
            { authorization: `Bearer ${u.token}` },
            JSON.stringify({ query: COMPLETE, variables: { id: meeting.id, input: completeInput(meeting, i, 'r') } }),
          );
        },
      },
      floor: {
        pid: floor.child.pid,
        W1: (lane) => {
          const u = users.floor[lane];
          return post(
            `http://127.0.0.1:${floorPort}/`,
            {},
            JSON.stringify({ op: 'schedule', userId: u.userId, input: scheduleInput(u.seed, u.w1++) }),
          );
        },
        W2: (lane) => {
          const u = users.floor[lane];
          const { meeting, i } = debriefOf(u);
          return post(
            `http://127.0.0.1:${floorPort}/`,
            {},
            JSON.stringify({ op: 'complete', userId: u.userId, id: meeting.id, input: completeInput(meeting, i, 'f') }),
          );
        },
      },
    };

    const results = { W1: {}, W2: {} };
    // 1. SQL statements and DB time per operation: a few to warm the pools, then K one after another.
    for (const w of ['W1', 'W2']) {
      for (const name of ['rapport', 'floor']) {
        for (let i = 0; i < 5; i++) await ops[name][w](0);
        await client.query('SELECT pg_stat_statements_reset()');
        const cpuBefore = cpuMs(ops[name].pid);
        for (let i = 0; i < K; i++) await ops[name][w](0);
        const cpu = (cpuMs(ops[name].pid) - cpuBefore) / K;
        const [{ calls, ms }] = (await client.query(STATEMENTS)).rows;
        results[w][name] = { sqlPerOp: calls / K, dbMsPerOp: ms / K, serialCpuMsPerOp: cpu };
      }
    }

    // 2. The same effect, or no numbers: rows and timers written by each.
    const effect = {
      rapport: await effects(client, users.rapport[0].userId, queues.rapport, sendJobId),
      floor: await effects(client, users.floor[0].userId, queues.floor, sendJobId),
    };
    for (const key of Object.keys(effect.rapport)) {
      if (effect.rapport[key] !== effect.floor[key]) {
        throw new Error(
          `writes: Rapport and the floor wrote different ${key}; no numbers reported.\nrapport: ${JSON.stringify(effect.rapport)}\nfloor:   ${JSON.stringify(effect.floor)}`,
        );
      }
    }
    const n = K + 5;
    const expected = {
      meetings: n,
      agenda_items: n * (QUESTIONS + 1),
      completed: n,
      outbox_rows: 5 * n,
      planned_events: 5 * n,
      jobs: 5 * n,
    };
    for (const [key, value] of Object.entries(expected)) {
      if (effect.rapport[key] !== value) {
        throw new Error(`writes: expected ${value} ${key}, found ${effect.rapport[key]}`);
      }
    }
    log('writes', `Rapport and the floor wrote the same rows and timers: ${JSON.stringify(effect.rapport)}`);
    // W1 goal: at most 6 statements per scheduleMeeting (a fraction over is the API's own access-revocation poll).
    if (Math.floor(results.W1.rapport.sqlPerOp) > W1_MAX_STATEMENTS) {
      throw new Error(
        `W1: Rapport ran ${results.W1.rapport.sqlPerOp} statements per scheduleMeeting (goal ≤ ${W1_MAX_STATEMENTS})`,
      );
    }

    // 3. Throughput (full mode): IN_FLIGHT operations in flight for LOAD_MS, candidates interleaved, medians.
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const w of ROUNDS ? ['W1', 'W2'] : []) {
      const samples = { rapport: [], floor: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const name of round % 2 ? ['floor', 'rapport'] : ['rapport', 'floor']) {
          const cpuBefore = cpuMs(ops[name].pid);
          const started = performance.now();
          let done = 0;
          await Promise.all(
            Array.from({ length: IN_FLIGHT }, async (_, lane) => {
              while (performance.now() - started < LOAD_MS) {
                await ops[name][w](lane % USERS);
                done++;
              }
            }),
          );
          const seconds = (performance.now() - started) / 1000;
          samples[name].push({ rps: done / seconds, cpu: (cpuMs(ops[name].pid) - cpuBefore) / done });
        }
      }
      for (const name of ['rapport', 'floor']) {
        results[w][name].rps = median(samples[name].map((s) => s.rps));
        results[w][name].cpuMsPerOp = median(samples[name].map((s) => s.cpu));
      }
      results[w].ratio = results[w].rapport.rps / results[w].floor.rps;
    }
    for (const name of ['rapport', 'floor']) {
      const peak = Math.round(rssMb(ops[name].pid, 'VmHWM'));
      results.W1[name].peakRssMb = peak;
      results.W2[name].peakRssMb = peak;
    }
    results.effect = effect.rapport;

    const f = (v, d = 2) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));
    const lines = [
      `Writes: K = ${K} operations one after another for SQL and DB time${ROUNDS ? `; ${IN_FLIGHT} in flight (a user each), ${ROUNDS} interleaved runs of ${LOAD_MS / 1000} s each, medians` : ' (quick mode: no load runs)'}`,
      '',
      '| Op | candidate | ops/s | ratio to floor | SQL/op | DB ms/op | CPU ms/op | peak RSS MB |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const w of ['W1', 'W2']) {
      for (const name of ['rapport', 'floor']) {
        const r = results[w][name];
        lines.push(
          `| ${w} | ${name} | ${f(r.rps, 0)} | ${name === 'rapport' ? f(results[w].ratio) : ''} | ${f(r.sqlPerOp)} | ${f(r.dbMsPerOp)} | ${f(r.cpuMsPerOp ?? r.serialCpuMsPerOp)} | ${r.peakRssMb} |`,
        );
      }
    }
    await Promise.all(servers.map(stop));

    // W3: the contact import (bench/import.mjs), in this database with an API of its own.
    const w3 = await importBench({ databaseUrl, redisUrl, quick, log });
    const first = w3.results.runs[0];
    lines.push(
      `| W3 | rapport | ${first.rowsPerSecond} rows/s | — | — | — | — | ${w3.results.peakRssMb} |`,
      '',
      ...w3.lines,
    );
    results.W3 = w3.results;
    return { results, lines };
  } finally {
    await Promise.all(servers.map(stop));
    await Promise.all(Object.values(queues).map((q) => q.close()));
    await redis.quit();
    await client.end();
  }
}

async function standalone(argv) {
  const { build, ensureDependencies, log } = await import('../scripts/lib/bootstrap.mjs');
  ensureDependencies();
  if (!argv.includes('--no-build')) build();
  const servers = await startBenchServers('rapport-writes-bench');
  try {
    const { lines } = await writesBench({
      databaseUrl: await servers.createDatabase('rapport_writes_bench'),
      redisUrl: servers.redisUrl,
      quick: argv.includes('--quick'),
      log,
    });
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    return 0;
  } catch (err) {
    log('writes', err.stack ?? String(err));
    return 1;
  } finally {
    await servers.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await standalone(process.argv.slice(2)));
}
