#!/usr/bin/env node
// `npm test`: the whole suite against real, throwaway services — an embedded PostgreSQL and a
// redis-server on free ports in a temporary directory — plus the type-check and the check that
// schema.graphql and the codegen output match the code. Extra arguments go to jest, except
// `--node <major>`, which runs all of it (compiler, checks, jest and every process the tests
// start) on that Node version, fetched from the npm registry when it is not this one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BootstrapError,
  build,
  ensureDependencies,
  ensureOsPackage,
  freePort,
  log,
  root,
  run,
  startEmbeddedPostgres,
  startRedis,
} from './lib/bootstrap.mjs';
import { currentMajor, ensureNode } from './lib/node-runtime.mjs';

/** `--node 24` or `--node=24` taken out of the arguments; the rest go to jest. */
function parseArgs(args) {
  const rest = [];
  let node;
  for (let i = 0; i < args.length; i++) {
    const m = /^--node(?:=(.*))?$/.exec(args[i]);
    if (!m) rest.push(args[i]);
    else node = Number(m[1] ?? args[++i]);
  }
  if (node !== undefined && !Number.isInteger(node))
    throw new BootstrapError('--node takes a major version: --node 24');
  return { node, rest };
}

/** Resolves with a child's exit code; a signal counts as failure. */
const exitOf = (child) =>
  new Promise((resolve) => {
    child.once('error', (err) => {
      log('test', `could not start ${child.spawnfile}: ${err.message}`);
      resolve(1);
    });
    child.once('exit', (code) => resolve(code ?? 1));
  });

/** Runs this script again on another Node; PATH leads with it, for anything that runs `node`. */
async function onNode(major, args) {
  ensureDependencies();
  const binary = ensureNode(major);
  const child = spawn(binary, [fileURLToPath(import.meta.url), ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${path.dirname(binary)}${path.delimiter}${process.env.PATH}` },
  });
  // A Ctrl-C reaches the child too, which cleans up after itself; wait for it.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return exitOf(child);
}

const stops = [];
let tmp;
let interrupted;

/** After each start-up step: stop there if Ctrl-C came meanwhile (what started is cleaned up). */
function checkpoint() {
  if (interrupted) throw new BootstrapError(`${interrupted}: stopped`);
}

async function cleanup() {
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((err) => log('test', `stop failed: ${err.message}`));
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

async function suite(args) {
  ensureDependencies();
  log('test', `Node ${process.version}`);
  // The Playground test drives a real browser.
  await ensureOsPackage('chromium', 'chromium', 'the Playground browser test');
  checkpoint();
  // The mailer test watches the kernel calls of a real send (TCP_NODELAY).
  await ensureOsPackage('strace', 'strace', 'the SMTP socket check');
  checkpoint();
  build();
  log('test', 'type-checking tests…');
  run(process.execPath, [
    path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.json',
    '--noEmit',
  ]);
  run(process.execPath, ['scripts/check-generated.mjs']);
  checkpoint();

  tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-test-'));
  const env = { ...process.env, NODE_ENV: 'test' };
  if (!env.TEST_DATABASE_URL) {
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(tmp, 'pg'),
      port: await freePort(),
      persistent: false,
    });
    stops.push(pg.stop);
    env.TEST_DATABASE_URL = pg.url('postgres');
    checkpoint();
  }
  if (!env.TEST_REDIS_URL) {
    const redis = await startRedis({ port: await freePort(), dir: path.join(tmp, 'redis'), persistent: false });
    stops.push(redis.stop);
    env.TEST_REDIS_URL = redis.url;
    checkpoint();
  }

  const jest = spawn(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...args], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  return exitOf(jest);
}

async function main() {
  const { node, rest } = parseArgs(process.argv.slice(2));
  if (node !== undefined && node !== currentMajor()) return onNode(node, rest);
  // Ctrl-C or SIGTERM: jest (same process group) gets it too and exits; a start-up step in
  // progress finishes first. Either way the servers are stopped in `finally` below.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (!interrupted) log('test', `${signal}: stopping…`);
      interrupted = signal;
    });
  }
  return suite(rest);
}

let code = 1;
try {
  code = await main();
} catch (err) {
  log('test', err instanceof BootstrapError ? err.message : err.stack);
} finally {
  await cleanup();
}
process.exit(code);
