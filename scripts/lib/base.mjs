// What every bootstrap module shares: the repository root, log lines, the error that stops a
// start-up with a message for the user, and running a command to completion.
// Plain Node on purpose: it must work before `node_modules` exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, GiveUp } from './eventually.cjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(scope, message) {
  process.stdout.write(`[${scope}] ${message}\n`);
}

/**
 * A start-up failure whose message says what failed and what to do; printed without a stack.
 * Thrown from a waitFor check, it stops the waiting at once (it is an `eventually` GiveUp).
 */
export class BootstrapError extends GiveUp {}

/** Runs a command to completion, inheriting stdio; throws on a non-zero exit. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw new BootstrapError(`could not run ${cmd}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new BootstrapError(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/** The path of an executable on PATH, or null. */
export function which(binary) {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', binary], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Resolves when `check()` is truthy; throws a BootstrapError naming `what` after `timeoutMs`. */
export async function waitFor(check, what, timeoutMs = 20_000) {
  try {
    await eventually(async () => (await check()) || false, { timeoutMs, intervalMs: 100, what });
  } catch (err) {
    if (err instanceof BootstrapError) throw err;
    const reason = err instanceof Error && !err.message.startsWith(`${what}:`) ? `: ${err.message}` : '';
    throw new BootstrapError(`${what} did not become ready in ${timeoutMs} ms${reason}`);
  }
}

/**
 * Installs an npm package folder's dependencies (`npm install --prefix dir`) when its
 * node_modules is missing or older than its package.json or lockfile. `npm install` keeps the
 * locked versions; see ensureDependencies for why not `npm ci`.
 */
export function installIfStale(dir, message, npmArgs = []) {
  const marker = path.join(dir, 'node_modules', '.package-lock.json');
  const newest = Math.max(...['package.json', 'package-lock.json'].map((f) => statSync(path.join(dir, f)).mtimeMs));
  if (existsSync(marker) && statSync(marker).mtimeMs >= newest) return;
  log('setup', message);
  run('npm', ['install', ...(dir === root ? [] : ['--prefix', dir]), '--no-audit', '--no-fund', ...npmArgs]);
}
