#!/usr/bin/env node
// `npm run dev`: from a fresh clone to a running API + worker with a readable dev mailbox.
// Uses DATABASE_URL / REDIS_URL when set; otherwise starts an embedded PostgreSQL and a local
// redis-server whose data lives in .data/ (git-ignored) and survives restarts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BootstrapError,
  build,
  ensureDependencies,
  loadDotEnv,
  log,
  portIsFree,
  freePort,
  root,
  run,
  startEmbeddedPostgres,
  startRedis,
} from './lib/bootstrap.mjs';

const dataDir = path.join(root, '.data');
const stops = [];
const children = new Set();
let shuttingDown = false;
/** The server start in progress: a Ctrl-C waits for it, so that what it started is stopped too. */
let starting = Promise.resolve();

/** Starts a server and registers its stop; after a Ctrl-C, stops it again at once. */
async function startServer(start) {
  starting = start();
  const server = await starting;
  stops.push(server.stop);
  if (shuttingDown) throw new BootstrapError('stopped while starting');
  return server;
}

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  log('dev', 'stopping…');
  await starting.catch(() => {});
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const stop of stops.reverse()) await stop().catch((err) => log('dev', `stop failed: ${err.message}`));
  process.exit(code);
}

/** A stable dev-only JWT secret, generated once and kept in .data/. */
function devSecret() {
  const file = path.join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

function start(name, script, env) {
  const child = spawn(process.execPath, ['--enable-source-maps', script], { cwd: root, env, stdio: 'inherit' });
  children.add(child);
  child.once('error', (err) => log('dev', `could not start the ${name}: ${err.message}`));
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (!shuttingDown) {
      log('dev', `${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(code || 1);
    }
  });
}

async function main() {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  ensureDependencies();
  loadDotEnv();

  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
    MAIL_TRANSPORT: process.env.MAIL_TRANSPORT ?? 'file',
    MAIL_DIR: process.env.MAIL_DIR ?? path.join(root, '.mail'),
  };
  if (!env.JWT_SECRET) env.JWT_SECRET = devSecret();

  if (!env.DATABASE_URL) {
    const port = (await portIsFree(54329)) ? 54329 : await freePort();
    const pg = await startServer(() =>
      startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port, persistent: true }),
    );
    await pg.createDatabase('rapport');
    env.DATABASE_URL = pg.url('rapport');
    log('dev', `PostgreSQL (embedded) at ${env.DATABASE_URL}`);
  }
  if (!env.REDIS_URL) {
    const port = (await portIsFree(63799)) ? 63799 : await freePort();
    const redis = await startServer(() => startRedis({ port, dir: path.join(dataDir, 'redis'), persistent: true }));
    env.REDIS_URL = redis.url;
    log('dev', `Redis at ${env.REDIS_URL}`);
  }

  build();
  run(process.execPath, ['dist/src/cli/migrate.js', 'up'], { env });
  run(process.execPath, ['dist/src/cli/seed-demo.js'], { env });

  start('api', 'dist/src/main.js', env);
  start('worker', 'dist/src/worker.js', env);
  const port = env.PORT ?? 4000;
  log('dev', `GraphQL:    http://localhost:${port}/graphql`);
  log('dev', `Playground: http://localhost:${port}/playground`);
  log('dev', `Make an admin: DATABASE_URL=${env.DATABASE_URL} npm run admin:promote -- <email>`);
  log(
    'dev',
    `Emails are written to ${path.relative(root, env.MAIL_DIR) || env.MAIL_DIR}/ as .eml files. Ctrl-C stops everything.`,
  );
}

main().catch(async (err) => {
  if (shuttingDown) return;
  log('dev', err instanceof BootstrapError ? err.message : err.stack);
  await shutdown(1);
});
