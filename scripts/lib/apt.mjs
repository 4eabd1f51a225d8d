// apt-get that waits while another apt-get or dpkg holds its locks (on a fresh machine,
// unattended upgrades often run for the first minutes) instead of failing at once.
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { BootstrapError, log } from './base.mjs';

/** How long to wait for another package manager before giving up. */
export const APT_LOCK_WAIT_SECONDS = 300;
const RETRY_MS = 3_000;
const LOCKED = /Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock/;

const LOCK_FILES = [
  '/var/lib/dpkg/lock-frontend',
  '/var/lib/dpkg/lock',
  '/var/lib/apt/lists/lock',
  '/var/cache/apt/archives/lock',
];

/** Who holds one of apt's or dpkg's locks now (from /proc/locks), as "name pid", or null. */
export function aptLockHolder() {
  let table;
  try {
    table = readFileSync('/proc/locks', 'utf8');
  } catch {
    return null;
  }
  for (const file of LOCK_FILES) {
    let inode;
    try {
      inode = statSync(file).ino;
    } catch {
      continue;
    }
    // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiting requests start with "->".
    const held = new RegExp(`^\\d+: \\w+\\s+\\w+\\s+\\w+\\s+(\\d+) [0-9a-f]+:[0-9a-f]+:${inode} `, 'm').exec(table);
    if (!held) continue;
    let name = 'process';
    try {
      name = readFileSync(`/proc/${held[1]}/comm`, 'utf8').trim();
    } catch {
      // gone meanwhile, or another PID namespace
    }
    return `${name} ${held[1]}`;
  }
  return null;
}

/** Runs once: stdout inherited, stderr kept to tell a lock from a failure. */
function attempt(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', (err) => reject(new BootstrapError(`could not run ${cmd}: ${err.message}`)));
    child.once('close', (code, signal) => resolve({ code: code ?? signal, stderr }));
  });
}

/**
 * `apt-get <args>` (through `sudo -n` when `sudo`). `DPkg::Lock::Timeout` makes apt-get itself
 * wait for dpkg's locks; the lock `apt-get update` takes on the package lists has no such
 * option, so a run that failed on a lock is retried until the same deadline.
 */
export async function aptGet(args, { sudo = false, env = process.env } = {}) {
  const deadline = Date.now() + APT_LOCK_WAIT_SECONDS * 1000;
  let announced = false;
  const announce = (holder) => {
    if (announced) return;
    announced = true;
    log(
      'setup',
      `another package manager (${holder || 'unknown'}) is using apt or dpkg; ` +
        `waiting up to ${APT_LOCK_WAIT_SECONDS} s for it to finish…`,
    );
  };
  for (;;) {
    // apt-get -qq waits for dpkg's locks silently: say why nothing happens.
    const holder = aptLockHolder();
    if (holder) announce(holder);
    const seconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    const argv = ['-o', `DPkg::Lock::Timeout=${seconds}`, ...args];
    const { code, stderr } = await (sudo
      ? attempt('sudo', ['-n', 'apt-get', ...argv], env)
      : attempt('apt-get', argv, env));
    const locked = code !== 0 && LOCKED.test(stderr);
    // A lock's "Could not get lock" lines would repeat on every retry; anything else is shown.
    if (!locked) process.stderr.write(stderr);
    if (code === 0) return;
    if (!locked) throw new BootstrapError(`apt-get ${args.join(' ')} exited with ${code}`);
    if (Date.now() + RETRY_MS > deadline) {
      throw new BootstrapError(
        `another apt-get or dpkg still held its lock after ${APT_LOCK_WAIT_SECONDS} s. Let it finish ` +
          '(see `ps -ef | grep -E "apt|dpkg"`), or install the package yourself, then run the command again.',
      );
    }
    const m = /held by process (\d+)(?: \(([^)]+)\))?/.exec(stderr);
    announce(m && `${m[2] ?? 'process'} ${m[1]}`);
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}
