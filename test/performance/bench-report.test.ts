import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The pure parts of the benchmark's reporting (plain ES modules, run by `npm run bench`): the
// goals table of scripts/bench-report.mjs, the RSS slope of bench/slope.mjs and the growth
// ratios of bench/growth.mjs. Run in a fresh `node`, since jest here loads CommonJS.

const ROOT = path.resolve(__dirname, '..', '..');
const url = (...parts: string[]) => JSON.stringify(pathToFileURL(path.join(ROOT, ...parts)).href);

/** Evaluates `expression` in an ES module with the three modules imported; returns its JSON value. */
function evaluate(expression: string): unknown {
  const code = `
    import * as report from ${url('scripts', 'bench-report.mjs')};
    import { slopeMbPerMinute } from ${url('bench', 'slope.mjs')};
    import { growthRatios, grownSize } from ${url('bench', 'growth.mjs')};
    process.stdout.write(JSON.stringify(${expression}));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

type Row = [string, string, string];

const status = (rows: Row[], goal: RegExp) => rows.filter((r) => goal.test(r[0])).map((r) => r[2]);

describe('bench report', () => {
  it('reports every goal of an empty results file as not in this run', () => {
    const rows = evaluate('report.goalRows({})') as Row[];
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const [, value, verdict] of rows) {
      expect(value).toBe('not in this run');
      expect(verdict).toBe('not in this run');
    }
  });

  it('states met, or the distance to the goal', () => {
    const run = {
      results: {
        Q1: {
          name: 'Q1',
          rapport: { sqlPerRequest: 1.05, plansPerRequest: 0, c10: { rps: 1200, p99: 30 }, peakRssMb: 250 },
          peer: { sqlPerRequest: 1, c10: { rps: 1000 }, peakRssMb: 290 },
          floor: { c10: { p99: 15 } },
          ratios: { c10: { rapportToPeer: 1.2 }, c50: { rapportToPeer: 1.0 } },
        },
        Q3: { name: 'Q3', rapport: { sqlPerRequest: 3, plansPerRequest: 0.2 }, peer: { sqlPerRequest: 1 } },
      },
      email: {
        burst: { n: 10000, emailsPerSecond: 900, startLatenessMs: { p99: 5000 } },
        floor: { emailsPerSecond: 1000 },
        steady: { n: 2000, startLatenessMs: { p99: 21.5 } },
        soak: {
          n: 12000,
          startLatenessMs: { p99: 30 },
          rssMb: { start: 200, peak: 210, end: 205, slopeMbPerMinute: 0.4 },
        },
      },
    };
    const rows = evaluate(`report.goalRows(${JSON.stringify(run)})`) as Row[];
    expect(status(rows, /^Q1 Rapport\/peer at 10 /)).toEqual(['met']);
    expect(status(rows, /^Q1 Rapport\/peer at 50 /)).toEqual(['**not met** (0.10 short of 1.10)']);
    // The revocation poll's 0.05 a request is within the slack; two statements more is not.
    expect(status(rows, /^Q1 SQL per request/)).toEqual(['met']);
    expect(status(rows, /^Q3 SQL per request/)).toEqual(["**not met** (2.00 more a request than the peer's)"]);
    expect(status(rows, /^Q3 Rapport plans/)).toEqual(['**not met** (0.10 over 0.10)']);
    expect(status(rows, /^Q1 p99/)).toEqual(['**not met** (0.50 over 1.50)']);
    expect(status(rows, /^Email burst/)).toEqual(['met']);
    expect(status(rows, /^Emails none lost/)).toEqual(['met']);
    expect(status(rows, /^Start lateness .*\(steady\)/)).toEqual(['met']);
    expect(status(rows, /^Start lateness .*\(soak\)/)).toEqual(['**not met** (5.0 ms over 25.0 ms)']);
    expect(status(rows, /^API peak RSS/)).toEqual(['met']);
    expect(status(rows, /^Worker RSS flat/)).toEqual(['met']);
    expect(status(rows, /^W1|^W3|^Nested/)).toEqual(Array(4).fill('not in this run'));
  });

  it('reads the growth step and the writes step when present', () => {
    const run = {
      growth: {
        queries: {
          Q1: { ratios: { rapport: { dbMsPerRequest: 1.4, blocksPerRequest: 1, timePerRequest: 1.1, p99: 1.3 } } },
          Q6: {
            ratios: { rapport: { dbMsPerRequest: 2.5, blocksPerRequest: 2.5, timePerRequest: 2.1 } },
            walk: { x1: { chains: 600, truncated: false }, x10: { chains: 3000, truncated: true } },
          },
        },
      },
      writes: {
        W1: { rapport: { opsPerSecond: 300, sqlPerOperation: 5 }, floor: { opsPerSecond: 600 } },
        W3: { rapport: { rowsPerSecond: 9000, peakRssMb: 240 } },
      },
    };
    const rows = evaluate(`report.goalRows(${JSON.stringify(run)})`) as Row[];
    expect(status(rows, /^Q1 at 10×/)).toEqual(['met']);
    expect(status(rows, /^Q6 at 10×/)).toEqual(['**not met** (1.25 over 1.25)']);
    expect(rows.find((r) => r[0].startsWith('Q6 at 10×'))?.[1]).toContain('walk 600 → 3000 chains, truncated true');
    expect(status(rows, /^W1 scheduleMeeting/)).toEqual(['**not met** (0.10 short of 0.60)']);
    expect(status(rows, /^W1 ≤ 6/)).toEqual(['met']);
    expect(status(rows, /^W3/)).toEqual(['met']);
  });

  it('prints one markdown row per goal, pipes escaped', () => {
    const lines = evaluate('report.goalsTable({ date: "2026-12-01T11:00:00.000Z" })') as string[];
    expect(lines[0]).toBe('Goals of issue 17 (run of 2026-12-01T11:00:00.000Z):');
    expect(lines.slice(2, 4)).toEqual(['| Goal | This run | Status |', '| --- | --- | --- |']);
    const rows = evaluate('report.goalRows({})') as Row[];
    expect(lines).toHaveLength(4 + rows.length);
    for (const line of lines.slice(4)) expect(line.split(/(?<!\\)\|/)).toHaveLength(5);
  });
});

describe('RSS slope', () => {
  it('is the least-squares MB per minute after the first 10 s', () => {
    // 0.5 MB a second from 10 s on, after a start-up jump the slope leaves out.
    const samples = Array.from({ length: 61 }, (_, s) => ({
      at: 1_000_000 + s * 1000,
      mb: s < 10 ? 100 + 10 * s : 300 + 0.5 * s,
    }));
    expect(evaluate(`slopeMbPerMinute(${JSON.stringify(samples)})`)).toBeCloseTo(30, 6);
    const flat = samples.map((s, i) => ({ ...s, mb: 200 + (i % 2) }));
    expect(Math.abs(evaluate(`slopeMbPerMinute(${JSON.stringify(flat)})`) as number)).toBeLessThan(0.05);
  });

  it('is null with fewer than three samples after the first 10 s', () => {
    const samples = [0, 5_000, 10_000, 11_000].map((at) => ({ at, mb: 100 }));
    expect(evaluate(`slopeMbPerMinute(${JSON.stringify(samples)})`)).toBeNull();
    expect(evaluate('slopeMbPerMinute([])')).toBeNull();
  });
});

describe('growth step', () => {
  it('scales the full set tenfold for one account', () => {
    expect(evaluate('grownSize({ users: 2000, organisations: 1000, contacts: 20000, meetings: 100000 })')).toEqual({
      users: 1,
      organisations: 10_000,
      contacts: 200_000,
      meetings: 1_000_000,
    });
  });

  it('gives 10×/1× ratios, time per request from req/s, null where a number is missing', () => {
    const base = { dbMsPerRequest: 2, sqlPerRequest: 3, blocksPerRequest: 250, c10: { rps: 100, p50: 10, p99: 40 } };
    const grown = { dbMsPerRequest: 3, sqlPerRequest: 3, blocksPerRequest: 250, c10: { rps: 80, p50: 12 } };
    expect(evaluate(`growthRatios(${JSON.stringify(base)}, ${JSON.stringify(grown)})`)).toEqual({
      dbMsPerRequest: 1.5,
      sqlPerRequest: 1,
      blocksPerRequest: 1,
      p50: 1.2,
      p99: null,
      timePerRequest: 1.25,
    });
  });
});
