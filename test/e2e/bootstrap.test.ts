import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The start-up code behind `npm run dev` and `npm test` (scripts/lib, plain ES modules), run
// in a fresh `node` from a private (0700) folder such as `mktemp -d` or /root makes. As root
// (CI), PostgreSQL must run as the `postgres` account, which cannot enter that folder; as
// another user it runs as that user. Both must bring up a server that answers.

const ROOT = path.resolve(__dirname, '..', '..');
const lib = (file: string) => JSON.stringify(pathToFileURL(path.join(ROOT, 'scripts', 'lib', file)).href);
const isRoot = process.getuid?.() === 0;
const postgresUid = isRoot ? Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout) : undefined;

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function privateFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bootstrap-'));
  made.push(dir);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  return dir;
}

interface Run {
  code: number | null;
  output: string;
  result: Record<string, unknown>;
}

/** Runs an ES module body in `cwd`; the value it passes to `done(...)` comes back as `result`. */
function runModule(body: string, cwd: string): Promise<Run> {
  const code = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))});
    const done = (value) => console.log('RESULT ' + JSON.stringify(value));
    ${body}`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      resolve({ code: exitCode, output, result: line ? JSON.parse(line.slice(7)) : {} });
    });
  });
}

/** Starts PostgreSQL with `dataDir`, runs `sql`, reports what the server says about itself, stops it. */
const startQueryStop = (dataDir: string, persistent: boolean, sql: string) => `
  import { readFileSync, statSync, existsSync, realpathSync } from 'node:fs';
  import { freePort, startEmbeddedPostgres } from ${lib('bootstrap.mjs')};
  const pg = require('pg');
  const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: await freePort(), persistent: ${persistent} });
  const report = { pid: server.pid, dataDir: server.dataDir };
  try {
    const client = new pg.Client({ connectionString: server.url('postgres') });
    await client.connect();
    try {
      report.rows = (await client.query(${JSON.stringify(sql)})).rows;
      report.user = (await client.query('SELECT current_user AS u')).rows[0].u;
      report.directory = (await client.query("SELECT current_setting('data_directory') AS d")).rows[0].d;
    } finally {
      await client.end();
    }
    report.uid = Number(/Uid:\\s+(\\d+)/.exec(readFileSync('/proc/' + server.pid + '/status', 'utf8'))[1]);
    report.exe = realpathSync('/proc/' + server.pid + '/exe');
    const stat = statSync(server.dataDir);
    report.dataOwner = stat.uid;
    report.dataMode = stat.mode & 0o777;
  } finally {
    await server.stop();
  }
  let alive = true;
  try { process.kill(server.pid, 0); } catch { alive = false; }
  done({ ...report, aliveAfterStop: alive, dataAfterStop: existsSync(server.dataDir) });
`;

describe('bootstrap from a private folder', () => {
  it('starts a throwaway PostgreSQL that answers, then stops it and removes its data', async () => {
    const folder = privateFolder();
    const run = await runModule(startQueryStop(path.join(folder, 'pg'), false, 'SELECT 1 AS one'), folder);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('RESULT') });
    const r = run.result;
    expect(r.rows).toEqual([{ one: 1 }]);
    expect(r.user).toBe('postgres');
    expect(r.directory).toBe(r.dataDir);
    expect(r.dataMode).toBe(0o700);
    expect(r.aliveAfterStop).toBe(false);
    expect(r.dataAfterStop).toBe(false);
    // The private folder was not opened to anyone.
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    if (isRoot) {
      // Run as `postgres`, from the root-owned binary cache, with data it owns outside the folder.
      expect(r.uid).toBe(postgresUid);
      expect(r.dataOwner).toBe(postgresUid);
      expect(String(r.exe).startsWith('/var/cache/rapport/')).toBe(true);
      expect(String(r.dataDir).startsWith(`${folder}/`)).toBe(false);
    } else {
      expect(r.uid).toBe(process.getuid?.());
      expect(r.dataDir).toBe(path.join(folder, 'pg'));
    }
  }, 120_000);

  it('keeps a persistent data directory (npm run dev) between starts', async () => {
    const folder = privateFolder();
    const dataDir = path.join(folder, '.data', 'postgres');
    const first = await runModule(
      startQueryStop(dataDir, true, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)'),
      folder,
    );
    expect({ code: first.code, output: first.output }).toEqual({ code: 0, output: expect.stringContaining('RESULT') });
    made.push(String(first.result.dataDir));
    const second = await runModule(startQueryStop(dataDir, true, 'SELECT id FROM kept'), folder);
    expect({ code: second.code, output: second.output }).toEqual({
      code: 0,
      output: expect.stringContaining('RESULT'),
    });
    expect(second.result.rows).toEqual([{ id: 7 }]);
    expect(second.result.dataDir).toBe(first.result.dataDir);
    expect(second.result.dataAfterStop).toBe(true);
    expect(second.output).not.toContain('initialising');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    if (isRoot) {
      expect(String(second.result.dataDir).startsWith('/var/lib/rapport/postgres-')).toBe(true);
      expect(second.result.dataOwner).toBe(postgresUid);
      expect(second.result.dataMode).toBe(0o700);
    } else {
      expect(second.result.dataDir).toBe(dataDir);
    }
  }, 180_000);

  it('reports a server that cannot start, and leaves no process or data behind', async () => {
    const folder = privateFolder();
    const run = await runModule(
      `
      import net from 'node:net';
      import { BootstrapError, freePort, startEmbeddedPostgres } from ${lib('bootstrap.mjs')};
      const port = await freePort();
      const holder = net.createServer().listen(port, '127.0.0.1');
      await new Promise((r) => holder.once('listening', r));
      try {
        await startEmbeddedPostgres({ dataDir: ${JSON.stringify(path.join(folder, 'pg'))}, port, persistent: false });
        done({ started: true });
      } catch (err) {
        done({ bootstrapError: err instanceof BootstrapError, message: err.message });
      } finally {
        holder.close();
      }`,
      folder,
    );
    expect(run.code).toBe(0);
    expect(run.result.bootstrapError).toBe(true);
    expect(run.result.message).toMatch(/PostgreSQL exited .* before accepting connections/);
    expect(run.result.message).toContain('Address already in use');
    // The data directory it initialised (named in its log) is gone again.
    const initialised = /initialising PostgreSQL data directory (\S+)…/.exec(run.output)?.[1];
    expect(initialised).toBeDefined();
    expect(existsSync(path.resolve(ROOT, initialised!))).toBe(false);
  }, 120_000);
});

describe('PostgreSQL binary cache', () => {
  it('is used only while identical to node_modules: an altered copy is replaced, an unsafe folder refused', async () => {
    const cacheRoot = mkdtempSync(path.join(os.tmpdir(), 'rapport-cache-'));
    made.push(cacheRoot);
    chmodSync(cacheRoot, 0o755);
    // The installed copy: what postgresBinaries returns when it runs as the current user.
    const cache = `
      import { postgresBinaries, treeDigest } from ${lib('postgres-binaries.mjs')};
      const installed = await postgresBinaries({ shared: false });
      const cached = await postgresBinaries({ shared: true, cacheRoot: ${JSON.stringify(cacheRoot)} });
      done({ dir: cached.dir, same: treeDigest(cached.dir) === treeDigest(installed.dir) });
    `;
    const first = await runModule(cache, cacheRoot);
    expect({ code: first.code, output: first.output }).toEqual({ code: 0, output: expect.stringContaining('RESULT') });
    expect(first.result.same).toBe(true);
    const dir = String(first.result.dir);
    expect(path.dirname(dir)).toBe(cacheRoot);

    appendFileSync(path.join(dir, 'share', 'postgresql', 'postgres.bki'), '-- altered\n');
    const second = await runModule(cache, cacheRoot);
    expect(second.output).toContain('differs from node_modules; replacing it');
    expect(second.result).toEqual({ dir, same: true });

    chmodSync(cacheRoot, 0o777);
    const refused = await runModule(
      `
      import { postgresBinaries } from ${lib('postgres-binaries.mjs')};
      try { await postgresBinaries({ shared: true, cacheRoot: ${JSON.stringify(cacheRoot)} }); done({ used: true }); }
      catch (err) { done({ message: err.message }); }`,
      cacheRoot,
    );
    expect(refused.result.message).toContain('others may write to it');
    chmodSync(cacheRoot, 0o755);
  }, 120_000);
});
