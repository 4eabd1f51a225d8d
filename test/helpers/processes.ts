import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { baseTestEnv } from './test-env';

const ROOT = path.resolve(__dirname, '..', '..');

export interface RunningProcess {
  child: ChildProcess;
  /** Every JSON log line printed so far. */
  logs: Record<string, unknown>[];
  output: () => string;
  /** Resolves with the first log line matching `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a compiled Rapport entry point (`npm test` builds dist/ first) with test settings. */
export function startProcess(
  script: 'main' | 'worker' | 'cli/promote-admin',
  env: Record<string, string> = {},
  args: string[] = [],
): RunningProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', `${script}.js`), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...baseTestEnv(), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let text = '';
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const line of chunk.toString().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        logs.push(parsed);
        for (const w of waiters.filter((w) => w.msg === parsed.msg)) w.resolve(parsed);
      } catch {
        // a partial line; the whole output is still kept in `text`
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    logs,
    output: () => text,
    exited,
    waitForLog: (msg, timeoutMs = 20_000) => {
      const seen = logs.find((l) => l.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${msg}" log within ${timeoutMs} ms; output:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          msg,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then(() => reject(new Error(`process exited before logging "${msg}"; output:\n${text}`)));
      });
    },
  };
}

/** Resolves when `promise` does, or rejects after `ms` (for "exits within" assertions). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms).unref()),
  ]);
}
