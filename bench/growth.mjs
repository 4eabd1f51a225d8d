// The growth step of `npm run bench` (issue 17, "Cost as work grows"): does a request cost more
// when its user has ten times the rows? A second account gets 10× the full data set (10,000
// organisations, 200,000 contacts, 1,000,000 meetings, the introduction network built the same
// way; bench/seed.mjs, all in SQL), in the same database as the measured user's 1× data. Then
// Q1 and the introduction-paths query are measured for both accounts, Rapport and the floor,
// interleaved: SQL, DB time, shared blocks and plans per request (pg_stat_statements), req/s
// and p50/p99 at 10 connections (autocannon), and the ratio 10×/1×. Called by scripts/bench.mjs
// after the load step (or alone: `npm run bench -- --growth-only`); in quick mode on 10× the
// quick set, without the load, as a check that Q1 reads no more pages for the bigger user.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { eventually } from '../scripts/lib/eventually.cjs';
import { freePort, root } from '../scripts/lib/bootstrap.mjs';
import { benchAccount } from './account.mjs';
import { cpuMs } from './servers.mjs';

export const FACTOR = 10;

/** The grown account's size: FACTOR × the full set's rows, and no other users (they exist already). */
export function grownSize(full, factor = FACTOR) {
  return {
    users: 1,
    organisations: full.organisations * factor,
    contacts: full.contacts * factor,
    meetings: full.meetings * factor,
  };
}

/** The QUERIES entry of the introduction-paths query, whatever its key (Q5, later Q6). */
export function pathsEntry(queries) {
  const found = Object.entries(queries).find(([, q]) => /\bintroductionPaths\s*\(/.test(q.graphql));
  if (!found) throw new Error('growth: no introductionPaths query in bench/queries.mjs');
  return found;
}

/** The keys measured as work grows: Q1 and the paths query. */
export function growthKeys(queries) {
  return ['Q1', pathsEntry(queries)[0]];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** b / a, or null when either is missing or a is 0. */
export function ratio(a, b) {
  return typeof a === 'number' && typeof b === 'number' && a !== 0 && Number.isFinite(b / a) ? b / a : null;
}

/**
 * The ratios 10×/1× of one candidate's numbers: DB ms, SQL and shared blocks per request, p50/p99 at
 * 10 connections, and time per request under load (1× req/s over 10× req/s: above 1 is slower).
 */
export function growthRatios(base, grown) {
  return {
    dbMsPerRequest: ratio(base?.dbMsPerRequest, grown?.dbMsPerRequest),
    sqlPerRequest: ratio(base?.sqlPerRequest, grown?.sqlPerRequest),
    blocksPerRequest: ratio(base?.blocksPerRequest, grown?.blocksPerRequest),
    p50: ratio(base?.c10?.p50, grown?.c10?.p50),
    p99: ratio(base?.c10?.p99, grown?.c10?.p99),
    timePerRequest: ratio(grown?.c10?.rps, base?.c10?.rps),
  };
}

/**
 * Runs the growth step. `base` is the measured user's side, already seeded and served:
 * `{ token, ctx, floorUrl, floorPid }`; the API at `apiUrl` (process `apiPid`). Starts a second
 * floor for the grown account and stops it before returning `{ results, lines }`. `fullSize` is
 * the measured user's size (the grown one is FACTOR × it); `quick` skips the load and checks Q1.
 */
export async function growthBench({ client, databaseUrl, apiUrl, apiPid, base, QUERIES, seed, fullSize, quick, log }) {
  const started = performance.now();
  const keys = growthKeys(QUERIES);
  const size = grownSize(fullSize);

  // The grown account: registered like anyone, then seeded in SQL (bench/seed.mjs).
  const account = await benchAccount(apiUrl, databaseUrl, {
    email: 'growth@bench.example',
    password: 'benchmark-password',
    name: 'Growth',
    timezone: 'Europe/London',
  });
  const [{ password_hash: hash }] = (
    await client.query('SELECT password_hash FROM users WHERE id = $1', [account.userId])
  ).rows;
  log('growth', `seeding ${JSON.stringify(size)} for a second account…`);
  const seedStart = performance.now();
  const grownCtx = { ...(await seed(client, account.userId, hash, size)), userId: account.userId };
  const seedMs = performance.now() - seedStart;
  log('growth', `seeded and analysed in ${(seedMs / 1000).toFixed(1)} s`);

  const floor = await startFloor({ databaseUrl, ctx: grownCtx });
  try {
    const sides = {
      x1: { token: base.token, ctx: base.ctx, floorUrl: base.floorUrl, floorPid: base.floorPid },
      x10: { token: account.token, ctx: grownCtx, floorUrl: floor.url, floorPid: floor.pid },
    };
    const target = (side, name, key) => {
      const q = QUERIES[key];
      const s = sides[side];
      if (name === 'floor') return { url: `${s.floorUrl}/${key}`, method: 'GET', pid: s.floorPid };
      return {
        url: `${apiUrl}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
        body: JSON.stringify({
          query: q.graphql,
          variables: typeof q.variables === 'function' ? q.variables(s.ctx) : q.variables,
        }),
        pid: apiPid,
      };
    };
    const call = async (t) => {
      const res = await fetch(t.url, { method: t.method, headers: t.headers, body: t.body });
      return res.json();
    };

    const results = { factor: FACTOR, size, seedMs, queries: {} };
    for (const key of keys) {
      const q = QUERIES[key];
      const r = (results.queries[key] = { name: q.name, x1: {}, x10: {} });
      // Same data from Rapport and the floor for each account, or no numbers.
      for (const side of ['x1', 'x10']) {
        const a = await call(target(side, 'rapport', key));
        const b = await call(target(side, 'floor', key));
        if (a.errors || b.errors || !isDeepStrictEqual(a, b)) {
          throw new Error(
            `growth ${key} (${side}): Rapport and the floor disagree; no numbers reported.\nrapport: ${JSON.stringify(a).slice(0, 400)}\nfloor: ${JSON.stringify(b).slice(0, 400)}`,
          );
        }
      }
      for (const side of ['x1', 'x10']) {
        for (const name of ['rapport', 'floor'])
          r[side][name] = await statementsPerRequest(client, call, target(side, name, key));
      }
      if (!quick) await measureLoad(r, (side, name) => target(side, name, key));
      r.ratios = { rapport: growthRatios(r.x1.rapport, r.x10.rapport), floor: growthRatios(r.x1.floor, r.x10.floor) };
      if (key !== 'Q1') {
        const { maxHops } = q.variables(base.ctx);
        r.walk = {
          x1: await walkShape(client, base.ctx, maxHops),
          x10: await walkShape(client, grownCtx, maxHops),
        };
        // The walk is bounded by its caps, not by the user's rows; its size at 1× and 10× differs
        // with the graph near the target, so its cost is also compared per chain.
        const perChain = (side, name, field) => r[side][name][field] / r.walk[side].chains;
        for (const name of ['rapport', 'floor']) {
          r.ratios[name].dbMsPerChain = ratio(
            perChain('x1', name, 'dbMsPerRequest'),
            perChain('x10', name, 'dbMsPerRequest'),
          );
          r.ratios[name].blocksPerChain = ratio(
            perChain('x1', name, 'blocksPerRequest'),
            perChain('x10', name, 'blocksPerRequest'),
          );
        }
      }
      log('growth', `${key} measured`);
    }
    // Quick mode's check (CI): a page of Q1 reads the same pages however many meetings the user
    // has (keyset), in as many statements. Shared blocks do not depend on the machine's load.
    // (The API's revocation poll may add 0.05 of a statement to either side.)
    const q1 = results.queries.Q1;
    const statements = (side) => Math.floor(q1[side].rapport.sqlPerRequest);
    if (quick && (statements('x10') > statements('x1') || !(q1.ratios.rapport.blocksPerRequest <= 1.25))) {
      throw new Error(
        `growth Q1: at ${FACTOR}× the rows Rapport ran ${q1.x10.rapport.sqlPerRequest} statements (${q1.x1.rapport.sqlPerRequest} at 1×) and read ${fmt(q1.ratios.rapport.blocksPerRequest)} × the blocks`,
      );
    }
    results.totalMs = performance.now() - started;
    return { results, lines: report(results) };
  } finally {
    await floor.stop();
  }
}

/** SQL statements, DB ms, plans and shared blocks per request: 20 warm-up requests, reset, 20 measured (as scripts/bench.mjs). */
async function statementsPerRequest(client, call, t) {
  const REQUESTS = 20;
  for (let i = 0; i < 20; i++) await call(t);
  await client.query('SELECT pg_stat_statements_reset()');
  for (let i = 0; i < REQUESTS; i++) await call(t);
  const { rows } = await client.query(
    `SELECT coalesce(sum(calls), 0)::int AS calls, coalesce(sum(total_exec_time), 0)::float AS ms,
            coalesce(sum(plans), 0)::int AS plans, coalesce(sum(total_plan_time), 0)::float AS plan_ms,
            coalesce(sum(shared_blks_hit + shared_blks_read), 0)::float AS blocks
     FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND query !~* 'pg_stat_statements' AND query !~* '^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)'`,
  );
  return {
    sqlPerRequest: rows[0].calls / REQUESTS,
    dbMsPerRequest: rows[0].ms / REQUESTS,
    plansPerRequest: rows[0].plans / REQUESTS,
    planMsPerRequest: rows[0].plan_ms / REQUESTS,
    // Pages of tables and indexes read (from cache or disk): the work itself, steady under load.
    blocksPerRequest: rows[0].blocks / REQUESTS,
  };
}

/**
 * 10 connections, the four targets (Rapport and floor, 1× and 10×) interleaved, the order
 * rotating each round: a 1 s warm-up each, then 3 rounds of 4 s; medians into r[side][name].c10.
 */
async function measureLoad(r, target) {
  const { default: autocannon } = await import('autocannon');
  const run = (opts) =>
    new Promise((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));
  const order = [
    ['x1', 'rapport'],
    ['x10', 'rapport'],
    ['x1', 'floor'],
    ['x10', 'floor'],
  ];
  for (const [side, name] of order) await run({ ...target(side, name), connections: 10, duration: 1 });
  const samples = new Map(order.map((o) => [o.join(), []]));
  for (let round = 0; round < 3; round++) {
    for (const [side, name] of [...order.slice(round), ...order.slice(0, round)]) {
      const t = target(side, name);
      const cpuBefore = cpuMs(t.pid);
      const res = await run({ ...t, connections: 10, duration: 4 });
      if (res.non2xx || res.errors)
        throw new Error(`growth ${name} ${side}: ${res.non2xx} non-2xx, ${res.errors} errors`);
      samples.get(`${side},${name}`).push({
        rps: res.requests.average,
        p50: res.latency.p50,
        p99: res.latency.p99,
        cpu: (cpuMs(t.pid) - cpuBefore) / Math.max(1, res.requests.total),
      });
    }
  }
  for (const [side, name] of order) {
    const s = samples.get(`${side},${name}`);
    const m = (f) => median(s.map((x) => x[f]));
    r[side][name].c10 = { rps: m('rps'), p50: m('p50'), p99: m('p99'), cpuMsPerRequest: m('cpu') };
  }
}

/**
 * The walk behind the paths query for one account, every chain kept (first: a million): how
 * many chains it reaches at each length, and whether it hit its caps (`truncated`).
 */
async function walkShape(client, ctx, maxHops) {
  const { INTRODUCTION_PATHS_SQL, WALK_LIMITS } =
    await import('../dist/src/modules/introductions/introduction-paths.sql.js');
  const { rows } = await client.query(
    `SELECT hops, count(*)::int AS chains, bool_or(truncated) AS truncated
     FROM (${INTRODUCTION_PATHS_SQL}) p GROUP BY hops ORDER BY hops`,
    [ctx.userId, ctx.organisationId, null, maxHops, WALK_LIMITS.chainsPerLevel, WALK_LIMITS.linksPerPerson, 1_000_000],
  );
  return {
    chains: rows.reduce((n, r) => n + r.chains, 0),
    byHops: Object.fromEntries(rows.map((r) => [r.hops, r.chains])),
    truncated: rows.some((r) => r.truncated),
  };
}

/** A floor (bench/floor.mjs) serving the grown account. */
async function startFloor({ databaseUrl, ctx }) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'bench', 'floor.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      POOL_SIZE: '10',
      BENCH_USER_ID: ctx.userId,
      BENCH_CONTACT_ID: ctx.contactId,
      BENCH_ORGANISATION_ID: ctx.organisationId,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`the growth floor exited:\n${output}`);
        return output.includes('floor ready');
      },
      { what: 'growth floor', timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
}

const fmt = (x, digits = 2) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The growth step's markdown: per query and candidate, 1× and 10× side by side, and the ratios. */
export function report(g) {
  const lines = [
    `Growth: a second account with ${FACTOR}× the measured user's rows (${g.size.organisations.toLocaleString('en')} organisations, ${g.size.contacts.toLocaleString('en')} contacts, ${g.size.meetings.toLocaleString('en')} meetings), seeded in ${fmt(g.seedMs / 1000, 1)} s; step ${fmt(g.totalMs / 1000, 0)} s in all.`,
    '',
    '| Query | candidate | SQL/req 1× / 10× | DB ms/req 1× / 10× | blocks/req 1× / 10× | plans/req 1× / 10× | req/s (10 conns) 1× / 10× | p50 / p99 ms 1× | p50 / p99 ms 10× | 10×/1×: DB ms | blocks | time/req | p99 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [key, r] of Object.entries(g.queries)) {
    for (const name of ['rapport', 'floor']) {
      const a = r.x1?.[name] ?? {};
      const b = r.x10?.[name] ?? {};
      const k = r.ratios?.[name] ?? {};
      lines.push(
        `| ${key} | ${name} | ${a.sqlPerRequest ?? '—'} / ${b.sqlPerRequest ?? '—'} | ${fmt(a.dbMsPerRequest)} / ${fmt(b.dbMsPerRequest)} | ${fmt(a.blocksPerRequest, 0)} / ${fmt(b.blocksPerRequest, 0)} | ${fmt(a.plansPerRequest)} / ${fmt(b.plansPerRequest)} | ${fmt(a.c10?.rps, 0)} / ${fmt(b.c10?.rps, 0)} | ${a.c10?.p50 ?? '—'} / ${a.c10?.p99 ?? '—'} | ${b.c10?.p50 ?? '—'} / ${b.c10?.p99 ?? '—'} | ${fmt(k.dbMsPerRequest)} | ${fmt(k.blocksPerRequest)} | ${fmt(k.timePerRequest)} | ${fmt(k.p99)} |`,
      );
    }
  }
  const shape = (w) =>
    w
      ? `${w.chains} chains (${Object.values(w.byHops).join(', ')} at 1–${Object.keys(w.byHops).length} people), truncated: ${w.truncated}`
      : '—';
  for (const [key, r] of Object.entries(g.queries)) {
    if (!r.walk) continue;
    const k = r.ratios?.rapport ?? {};
    lines.push(
      '',
      `${key} walk: 1× ${shape(r.walk.x1)}; 10× ${shape(r.walk.x10)}. Rapport per chain, 10×/1×: DB ms ${fmt(k.dbMsPerChain)}, blocks ${fmt(k.blocksPerChain)}.`,
    );
  }
  return lines;
}
