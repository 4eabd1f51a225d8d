'use strict';
// The one "wait until" of the repository, shared by the tests (test/helpers), the benchmark
// (bench/, scripts/bench.mjs) and the bootstrap (scripts/lib/bootstrap.mjs). Plain CommonJS with
// no dependencies, so the bootstrap can use it before `npm install` and TypeScript can import it
// (types in eventually.d.cts).

/** Thrown from a check to stop waiting at once (e.g. the process it waits for has exited). */
class GiveUp extends Error {}

/**
 * Runs `check` until it returns without throwing and its result is not `false`, then resolves
 * with the result. Past `timeoutMs` it rejects with the check's last error, or with
 * "<what>: not done in N ms". A `GiveUp` thrown by the check rejects at once.
 */
async function eventually(check, { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure;
    try {
      const result = await check();
      if (result !== false) return result;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      failure = err;
    }
    if (Date.now() > deadline) throw failure ?? new Error(`${what}: not done in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

module.exports = { eventually, GiveUp };
