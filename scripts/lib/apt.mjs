// apt-get that waits while another apt-get or dpkg holds its locks (on a fresh machine,
// unattended upgrades often run for the first minutes) instead of failing at once.
import { spawn } from 'node:child_process';
import { BootstrapError, log } from './base.mjs';

/** How long to wait for another package manager before giving up. */
export const APT_LOCK_WAIT_SECONDS = 300;
const RETRY_MS = 3_000;
const LOCKED = /Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock/;

/** Runs once: stdout inherited, stderr shown as it comes and kept to tell a lock from a failure. */
function attempt(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
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
  for (;;) {
    const seconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    const argv = ['-o', `DPkg::Lock::Timeout=${seconds}`, ...args];
    const { code, stderr } = await (sudo
      ? attempt('sudo', ['-n', 'apt-get', ...argv], env)
      : attempt('apt-get', argv, env));
    if (code === 0) return;
    const locked = LOCKED.test(stderr);
    if (!locked) throw new BootstrapError(`apt-get ${args.join(' ')} exited with ${code}`);
    if (Date.now() + RETRY_MS > deadline) {
      throw new BootstrapError(
        `another apt-get or dpkg still held its lock after ${APT_LOCK_WAIT_SECONDS} s. Let it finish ` +
          '(see `ps -ef | grep -E "apt|dpkg"`), or install the package yourself, then run the command again.',
      );
    }
    if (!announced) {
      const holder = /held by process (\d+)(?: \(([^)]+)\))?/.exec(stderr);
      log(
        'setup',
        `another package manager${holder ? ` (${holder[2] ?? 'pid'} ${holder[1]})` : ''} is using apt; ` +
          `waiting up to ${APT_LOCK_WAIT_SECONDS} s for it to finish…`,
      );
      announced = true;
    }
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}
