#!/usr/bin/env node
// One query's load on builds or settings of the Rapport API side by side, interleaved, to judge a
// change by what is robust on a shared machine: CPU-ms per request and peak RSS of each API
// process (and req/s, p50/p99, for what they are worth here). Not part of `npm run bench`.
//
//   node bench/api-load.mjs [--query Q1] [--connections 10] [--seconds 5] [--rounds 3] [--full]
//        [--variant name=path/to/dist/src/main.js[,--node-flag…]] …
//
// Without --variant it runs this checkout's dist/src/main.js (build it first) with the production
// Node flags (API_NODE_FLAGS) and without them. A variant names
// the compiled entry point to run (another checkout's build, e.g. the commit before a change)
// and any Node flags after commas (`--max-semi-space-size=8`). Each variant is its own API
// process on the same database and Redis; the bench data set (quick unless --full) is seeded once.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { benchAccount } from './account.mjs';
import { API_NODE_FLAGS, cpuMs, rssMb, startBenchServers } from './servers.mjs';
import { freePort, log, root, run } from '../scripts/lib/bootstrap.mjs';
import { eventually } from '../scripts/lib/eventually.cjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const key = option('query', 'Q1');
const connections = Number(option('connections', 10));
const seconds = Number(option('seconds', 5));
const rounds = Number(option('rounds', 3));
const variants = args
  .flatMap((a, i) => (a === '--variant' ? [args[i + 1]] : []))
  .map((spec) => {
    const at = spec.indexOf('=');
    const [entry, ...flags] = spec.slice(at + 1).split(',');
    const name = spec.slice(0, at);
    return { name, entry: path.resolve(entry), flags };
  });
// Without variants: this checkout's build, with the production flags and without them.
if (!variants.length) {
  const entry = path.join(root, 'dist/src/main.js');
  variants.push({ name: 'production flags', entry, flags: API_NODE_FLAGS }, { name: 'no flags', entry, flags: [] });
}

const children = [];
const servers = await startBenchServers('rapport-api-load');
const stop = async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  await servers.stop();
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));

try {
  const { QUERIES } = await import('./queries.mjs');
  const { seed, SIZES } = await import('./seed.mjs');
  const q = QUERIES[key];
  if (!q) throw new Error(`no query ${key}`);
  const databaseUrl = await servers.createDatabase('rapport_api_load');
  run(process.execPath, ['dist/src/cli/migrate.js', 'up'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: 'ignore',
  });
  const secrets = {
    JWT_SECRET: randomBytes(48).toString('base64'),
    UNSUBSCRIBE_SECRET: randomBytes(48).toString('base64'),
    CALENDAR_FEED_SECRET: randomBytes(48).toString('base64'),
  };
  for (const v of variants) {
    v.port = await freePort();
    const child = spawn(process.execPath, [...v.flags, v.entry], {
      cwd: root,
      env: {
        ...process.env,
        ...secrets,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(v.port),
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: '10',
        REDIS_URL: servers.redisUrl,
        LOG_LEVEL: 'warn',
        PLAYGROUND_ENABLED: 'false',
        ACCESS_TOKEN_TTL_SECONDS: '86400',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    v.pid = child.pid;
    v.url = `http://127.0.0.1:${v.port}`;
    await eventually(async () => (await fetch(`${v.url}/readyz`)).ok, { what: v.name, timeoutMs: 60_000 });
    v.idleRss = rssMb(v.pid);
  }
  const { token, userId } = await benchAccount(variants[0].url, databaseUrl, {
    email: 'load@bench.example',
    password: 'benchmark-password',
    name: 'Load',
    timezone: 'Europe/London',
  });
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const [{ password_hash: hash }] = (await client.query('SELECT password_hash FROM users WHERE id = $1', [userId]))
    .rows;
  const ctx = { ...(await seed(client, userId, hash, args.includes('--full') ? SIZES.full : SIZES.quick)), userId };
  await client.end();

  const { default: autocannon } = await import('autocannon');
  const load = (v, duration) =>
    new Promise((resolve, reject) =>
      autocannon(
        {
          url: `${v.url}/graphql`,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: q.graphql,
            variables: typeof q.variables === 'function' ? q.variables(ctx) : q.variables,
          }),
          connections,
          duration,
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      ),
    );
  for (const v of variants) {
    await load(v, 2); // warm-up: compiled documents, pooled connections, prepared statements
    v.samples = [];
  }
  for (let round = 0; round < rounds; round++) {
    for (const v of [...variants.slice(round % variants.length), ...variants.slice(0, round % variants.length)]) {
      const before = cpuMs(v.pid);
      const res = await load(v, seconds);
      if (res.non2xx || res.errors) throw new Error(`${v.name}: ${res.non2xx} non-2xx, ${res.errors} errors`);
      v.samples.push({
        rps: res.requests.average,
        p50: res.latency.p50,
        p99: res.latency.p99,
        cpu: (cpuMs(v.pid) - before) / res.requests.total,
      });
      log('load', `${v.name} round ${round + 1}: ${Math.round(res.requests.average)} req/s, p99 ${res.latency.p99} ms`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lines = [
    `${key}, ${connections} connections, ${rounds} interleaved ${seconds} s runs each (medians):`,
    '',
    '| Variant | req/s | p50 / p99 ms | CPU ms/req | RSS idle MB | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...variants.map((v) => {
      const m = (f) => median(v.samples.map((s) => s[f]));
      return `| ${v.name} | ${Math.round(m('rps'))} | ${m('p50')} / ${m('p99')} | ${m('cpu').toFixed(2)} | ${Math.round(v.idleRss)} | ${Math.round(rssMb(v.pid, 'VmHWM'))} |`;
    }),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
} finally {
  await stop();
}
