// Is a process's memory flat? The least-squares slope of RSS samples, used by bench/email.mjs
// for the worker over the soak.

/**
 * Least-squares slope of `{ at (ms), mb }` samples, in MB per minute, over the samples taken
 * `skipMs` or more after the first (the worker's start-up allocations settle in the first
 * seconds); null with fewer than three such samples.
 */
export function slopeMbPerMinute(samples, skipMs = 10_000) {
  if (!Array.isArray(samples) || samples.length === 0) return null;
  const t0 = samples[0].at;
  const pts = samples.filter((s) => s.at - t0 >= skipMs).map((s) => [(s.at - t0) / 60_000, s.mb]);
  if (pts.length < 3) return null;
  const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
  const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? null : sxy / sxx;
}
