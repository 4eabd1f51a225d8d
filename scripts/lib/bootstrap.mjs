// Shared by `npm run dev`, `npm test` and `npm run bench`: everything needed to go from a
// fresh clone (Node and npm only) to running PostgreSQL, Redis and built code.
// Plain Node on purpose: it must work before `node_modules` exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { aptGet } from './apt.mjs';
import { BootstrapError, installIfStale, log, root, run, waitFor, which } from './base.mjs';

export { BootstrapError, log, root, run } from './base.mjs';
export { startEmbeddedPostgres } from './postgres.mjs';

/**
 * Installs npm dependencies when node_modules is missing or older than the lockfile.
 * `npm install` (which keeps the locked versions) rather than `npm ci`: the registry mirror
 * this project is built against has at times lacked other platforms' optional binaries
 * (msgpackr-extract, unrs-resolver); a lockfile written then has no entries for them, and
 * `npm ci` refuses it as out of sync where `npm install` goes on.
 */
export function ensureDependencies() {
  installIfStale(root, 'installing npm dependencies…');
}

let aptUpdated = false;

/**
 * Makes sure an OS binary exists, installing its Debian package when the machine allows
 * (root, or password-less sudo, and apt-get present); otherwise stops with instructions.
 * Waits for another apt-get or dpkg to finish first (see apt.mjs).
 */
export async function ensureOsPackage(binary, debPackage, purpose) {
  const found = which(binary);
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const sudo = !isRoot && which('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!which('apt-get') || (!isRoot && !sudo)) {
    throw new BootstrapError(
      `${binary} is needed for ${purpose} but is not installed, and this script cannot install it here.\n` +
        `Install it with your package manager (Debian/Ubuntu: sudo apt-get install ${debPackage}; ` +
        `macOS: brew install ${debPackage.replace('-server', '')}) and run the command again.`,
    );
  }
  const options = { sudo: Boolean(sudo), env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  log('setup', `installing ${debPackage} with apt-get (needed for ${purpose})…`);
  if (!aptUpdated) {
    await aptGet(['update', '-qq'], options);
    aptUpdated = true;
  }
  await aptGet(['install', '-y', '-qq', '--no-install-recommends', debPackage], options);
  const installed = which(binary);
  if (!installed) throw new BootstrapError(`${debPackage} was installed but ${binary} is still not on PATH`);
  return installed;
}

/** Asks the kernel for a free loopback TCP port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Starts `redis-server` on loopback with the settings Rapport's queues require. */
export async function startRedis({ port, dir, persistent }) {
  const binary = await ensureOsPackage('redis-server', 'redis-server', 'the job queue (BullMQ)');
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    // Redis is only a timer for Rapport, but BullMQ must never have keys evicted.
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--appendonly',
    persistent ? 'yes' : 'no',
    '--daemonize',
    'no',
    // Delayed jobs fire closer to their time with a higher tick rate.
    '--hz',
    '100',
    '--loglevel',
    'warning',
  ];
  // Own process group: a Ctrl-C in the terminal reaches the API and worker, which still need
  // Redis while they shut down; we stop Redis after them.
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  let failure;
  child.once('exit', () => (exited = true));
  child.once('error', (err) => {
    exited = true;
    failure = new BootstrapError(`could not run ${binary}: ${err.message}. Reinstall redis-server and try again.`);
  });
  const stop = () =>
    new Promise((resolve) => {
      if (exited || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    await waitFor(async () => {
      if (failure) throw failure;
      if (exited) throw new BootstrapError(`redis-server exited on port ${port}: ${stderr.trim()}`);
      return await pingRedis(port);
    }, 'redis-server');
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, stop };
}

function pingRedis(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Compiles TypeScript to dist/ (incremental, so a second run is quick). */
export function build() {
  log('setup', 'compiling TypeScript…');
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
}

/** Loads `.env` into process.env when present, without overriding what is already set. */
export function loadDotEnv() {
  const file = path.join(root, '.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (!m || process.env[m[1]] !== undefined) continue;
    process.env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
}
