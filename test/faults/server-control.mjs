// A PostgreSQL and a redis-server of their own for the destructive fault scenarios (Redis killed
// or flushed, PostgreSQL restarted), so the other test files running beside them are not hurt.
// Run by own-servers.ts as a child process (jest cannot import these ES modules). It prints one
// JSON line per event and obeys one command per line on stdin: pg-stop, pg-start, redis-kill
// (SIGKILL: the data is gone, as after a crash without persistence), redis-start, quit. When
// stdin closes (the test process died), it stops both servers and removes their data.
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { freePort, startEmbeddedPostgres, startRedis } from '../../scripts/lib/bootstrap.mjs';

// Under /tmp, reachable by the `postgres` account PostgreSQL runs as when we are root.
const dir = path.join('/tmp', `rapport-faults-${process.pid}`);
mkdirSync(dir, { recursive: true });
chmodSync(dir, 0o755);
const pgPort = await freePort();
const redisPort = await freePort();
const startPg = () =>
  startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort, persistent: true, flags: ['-c', 'fsync=off'] });
const startOwnRedis = () => startRedis({ port: redisPort, dir: path.join(dir, 'redis'), persistent: false });

const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
let pg = await startPg();
let redis = await startOwnRedis();
say({ event: 'ready', postgres: pg.url('postgres'), redis: redis.url });

let quitting = false;
async function quit() {
  if (quitting) return;
  quitting = true;
  await pg?.stop().catch(() => undefined);
  await redis?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  say({ event: 'quit' });
  process.exit(0);
}

const commands = {
  'pg-stop': async () => {
    await pg.stop();
    pg = null;
  },
  'pg-start': async () => {
    pg = await startPg();
  },
  'redis-kill': async () => {
    process.kill(redis.pid, 'SIGKILL');
    await redis.stop(); // resolves once it has exited
    redis = null;
  },
  'redis-start': async () => {
    redis = await startOwnRedis();
  },
  quit,
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const run = commands[line.trim()];
  if (!run) {
    say({ event: 'error', command: line, message: 'unknown command' });
    continue;
  }
  try {
    await run();
    say({ event: 'done', command: line.trim() });
  } catch (err) {
    say({ event: 'error', command: line.trim(), message: err.message });
  }
}
await quit();
