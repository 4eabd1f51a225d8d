#!/usr/bin/env node
// `npm test`: the whole suite against real, throwaway services — an embedded PostgreSQL and a
// redis-server on free ports in a temporary directory — plus the type-check and the check that
// schema.graphql and the codegen output match the code. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

const stops = [];
let tmp;

async function cleanup() {
  for (const stop of stops.reverse()) await stop().catch((err) => log('test', `stop failed: ${err.message}`));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

async function main() {
  ensureDependencies();
  // The Playground test drives a real browser.
  await ensureOsPackage('chromium', 'chromium', 'the Playground browser test');
  build();
  log('test', 'type-checking tests…');
  run(process.execPath, [
    path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.json',
    '--noEmit',
  ]);
  run(process.execPath, ['scripts/check-generated.mjs']);

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
  }
  if (!env.TEST_REDIS_URL) {
    const redis = await startRedis({ port: await freePort(), dir: path.join(tmp, 'redis'), persistent: false });
    stops.push(redis.stop);
    env.TEST_REDIS_URL = redis.url;
  }

  const jest = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)],
    {
      cwd: root,
      env,
      stdio: 'inherit',
    },
  );
  return jest.status ?? 1;
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
