#!/usr/bin/env node
// The contact import benchmark (issue 13): a LinkedIn Connections.csv of 20,000 connections
// (about 5 MB) sent to POST /graphql/import of the compiled API (NODE_ENV=production), into an
// empty account, then the same file again (every row a duplicate). Measured: wall time per
// request, rows/s, the API's peak resident memory (VmHWM) and its RSS sampled every 50 ms.
//
//   importBench({ databaseUrl, redisUrl, quick, log })   called by scripts/bench.mjs; returns { results, lines }
//   node bench/import.mjs [--quick] [--no-build]         stand-alone: starts its own PostgreSQL and Redis
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { eventually } from '../scripts/lib/eventually.cjs';
import { freePort } from '../scripts/lib/bootstrap.mjs';
import { benchAccount } from './account.mjs';
import { rssMb, startBenchServers } from './servers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const quote = (v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** LinkedIn's layout: notes, then the header, CRLF; about 250 bytes a row, 1 in 5 with an email. */
export function connectionsCsv(rows) {
  const lines = [
    'Notes:',
    '"When exporting your connection data, you may notice that some of the email addresses are missing."',
    '',
  ];
  lines.push('First Name,Last Name,URL,Email Address,Company,Position,Connected On');
  for (let i = 0; i < rows; i++) {
    lines.push(
      [
        `First${i}`,
        `Last${i} Ü`,
        `https://www.linkedin.com/in/person-${i}-${(i * 7919).toString(36)}`,
        i % 5 === 0 ? `person${i}@mail.example` : '',
        `Company ${i % 500} International Holdings plc`,
        'Senior Software Engineer, Platform Infrastructure, Developer Experience and Site Reliability Engineering',
        '12 Jan 2024',
      ]
        .map(quote)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

const MUTATION = `mutation I($input: ImportContactsInput!) {
  importContacts(input: $input) { created updated duplicates skipped organisationsCreated errorCount }
}`;

export async function importBench({ databaseUrl, redisUrl, quick, log }) {
  const rows = quick ? 2_000 : 20_000;
  const migrate = spawn(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'migrate.js'), 'up'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: 'ignore',
  });
  if ((await new Promise((r) => migrate.once('exit', r))) !== 0) throw new Error('migrations failed');
  const port = await freePort();
  const api = spawn(process.execPath, [path.join(root, 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: 'rapport-import-bench',
      JWT_SECRET: randomBytes(48).toString('base64'),
      UNSUBSCRIBE_SECRET: randomBytes(48).toString('base64'),
      CALENDAR_FEED_SECRET: randomBytes(48).toString('base64'),
      LOG_LEVEL: 'warn',
      PLAYGROUND_ENABLED: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(async () => (await fetch(`${url}/readyz`)).ok, {
      what: 'API',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const { token } = await benchAccount(url, databaseUrl, {
      email: 'import@bench.example',
      password: 'benchmark-password',
      name: 'Bench',
      timezone: 'UTC',
    });
    const content = connectionsCsv(rows);
    const body = JSON.stringify({
      query: MUTATION,
      variables: { input: { format: 'LINKEDIN_CSV', content, dryRun: false } },
    });
    const rssBefore = rssMb(api.pid);
    const run = async (name) => {
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(api.pid))), 50);
      const started = performance.now();
      const res = await fetch(`${url}/graphql/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      const json = await res.json();
      const ms = performance.now() - started;
      clearInterval(sampler);
      if (json.errors) throw new Error(`${name}: ${JSON.stringify(json.errors)}`);
      return {
        name,
        ms: Math.round(ms),
        rowsPerSecond: Math.round(rows / (ms / 1000)),
        peakRssMb: Math.round(peak),
        ...json.data.importContacts,
      };
    };
    log('import', `importing ${rows} LinkedIn connections (${(content.length / 1e6).toFixed(1)} MB)…`);
    const first = await run('first import');
    const again = await run('same file again');
    const results = {
      rows,
      megabytes: Number((Buffer.byteLength(body) / 1e6).toFixed(2)),
      rssBeforeMb: Math.round(rssBefore),
      peakRssMb: Math.round(rssMb(api.pid, 'VmHWM')),
      runs: [first, again],
    };
    const lines = [
      `Contact import: ${rows} LinkedIn rows, ${results.megabytes} MB request body, API RSS ${results.rssBeforeMb} MB before, peak ${results.peakRssMb} MB (VmHWM)`,
      ...[first, again].map(
        (r) =>
          `  ${r.name.padEnd(16)} ${String(r.ms).padStart(6)} ms  ${String(r.rowsPerSecond).padStart(6)} rows/s  created ${r.created}, duplicates ${r.duplicates}, organisations ${r.organisationsCreated}; RSS sampled peak ${r.peakRssMb} MB`,
      ),
    ];
    return { results, lines };
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => (api.exitCode !== null ? r() : api.once('exit', r)));
  }
}

async function standalone(argv) {
  const { build, ensureDependencies, log } = await import('../scripts/lib/bootstrap.mjs');
  ensureDependencies();
  if (!argv.includes('--no-build')) build();
  const servers = await startBenchServers('rapport-import-bench');
  try {
    const { lines } = await importBench({
      databaseUrl: await servers.createDatabase('rapport_import_bench'),
      redisUrl: servers.redisUrl,
      quick: argv.includes('--quick'),
      log,
    });
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    return 0;
  } catch (err) {
    log('import', err.stack ?? String(err));
    return 1;
  } finally {
    await servers.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await standalone(process.argv.slice(2)));
}
