// The throwaway servers every benchmark runs against: an embedded PostgreSQL with
// pg_stat_statements (statement counts come from its deltas) and a Redis, both on loopback,
// both deleted when stopped; and what the benchmarks read of a process from /proc. Shared by
// scripts/bench.mjs and bench/email.mjs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres, startRedis } from '../scripts/lib/bootstrap.mjs';

/**
 * Starts both in a new temporary folder. Returns `{ db, redisUrl, createDatabase(name), stop() }`;
 * `createDatabase` makes a database with the pg_stat_statements extension and returns its URL.
 * `stop` stops both and removes the folder, whatever had started.
 */
export async function startBenchServers(label) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  const stops = [async () => rmSync(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    const db = await startEmbeddedPostgres({
      dataDir: path.join(tmp, 'pg'),
      port: await freePort(),
      persistent: false,
      flags: [
        '-c',
        'shared_preload_libraries=pg_stat_statements',
        '-c',
        'pg_stat_statements.track=all',
        // Planning counted apart from execution: a prepared statement planned afresh on every
        // call shows here, not in its execution time.
        '-c',
        'pg_stat_statements.track_planning=on',
      ],
    });
    stops.push(db.stop);
    const redis = await startRedis({ port: await freePort(), dir: path.join(tmp, 'redis'), persistent: false });
    stops.push(redis.stop);
    const { default: pg } = await import('pg');
    const createDatabase = async (name) => {
      await db.createDatabase(name);
      const client = new pg.Client({ connectionString: db.url(name) });
      await client.connect();
      try {
        await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      } finally {
        await client.end();
      }
      return db.url(name);
    };
    return { db, redisUrl: redis.url, createDatabase, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc, 100 Hz ticks); 0 once it has gone. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** A process's resident memory now (`VmRSS`) or at its peak (`VmHWM`), in MB. */
export function rssMb(pid, which = 'VmRSS') {
  const kb = new RegExp(`${which}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

/**
 * The Node flags the API runs with in production (the Dockerfile's CMD, docker-compose.yml,
 * `npm run start:api`), so the benchmarks measure the process as deployed.
 */
export const API_NODE_FLAGS = ['--max-old-space-size=1536'];
