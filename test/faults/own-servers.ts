import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createAppDataSource } from '../../src/app/infrastructure';
import { within } from '../helpers/processes';
import { VERIFIED_FIXTURE } from '../helpers/verified-fixture';

const DATABASE = 'rapport_faults';

export interface OwnServers {
  /** Environment for a Rapport process on these servers (add baseTestEnv() for loadConfig). */
  env: Record<string, string>;
  /** The test's own connection to the migrated database. */
  ds: DataSource;
  /** pg-stop, pg-start, redis-kill, redis-start: resolves once done (see server-control.mjs). */
  command(name: 'pg-stop' | 'pg-start' | 'redis-kill' | 'redis-start'): Promise<void>;
  close(): Promise<void>;
}

/**
 * A PostgreSQL (with Rapport's schema migrated) and a Redis of this test file's own, which it may
 * flush, kill and restart without touching the servers the rest of the suite shares.
 */
export async function startOwnServers(): Promise<OwnServers> {
  const child = spawn(process.execPath, [path.join(__dirname, 'server-control.mjs')], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { match: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] =
    [];
  let buffered = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines.filter((l) => l.startsWith('{'))) {
      const event = JSON.parse(line) as Record<string, unknown>;
      for (const w of waiters.splice(0).filter((w) => (w.match(event) ? (w.resolve(event), false) : true))) {
        waiters.push(w);
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = (match: (e: Record<string, unknown>) => boolean, what: string, ms = 90_000) =>
    within(
      new Promise<Record<string, unknown>>((resolve) => waiters.push({ match, resolve })),
      ms,
      `${what} (own servers output:\n${output})`,
    );

  const ready = await next((e) => e.event === 'ready', 'starting the own servers');
  const postgres = new URL(ready.postgres as string);
  const admin = new Client({ connectionString: postgres.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  postgres.pathname = `/${DATABASE}`;
  const db = { url: postgres.toString(), poolSize: 4, ssl: false, statementTimeoutMs: 0 };
  const ds = createAppDataSource({ db });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.query(VERIFIED_FIXTURE);

  return {
    env: { DATABASE_URL: db.url, REDIS_URL: `${ready.redis as string}/0` },
    ds,
    command: async (name) => {
      const done = next((e) => e.command === name, name);
      child.stdin!.write(`${name}\n`);
      const event = await done;
      if (event.event === 'error') throw new Error(`${name}: ${event.message as string}`);
    },
    close: async () => {
      await ds.destroy().catch(() => undefined);
      child.stdin!.end('quit\n');
      await within(exited, 60_000, 'stopping the own servers');
    },
  };
}
