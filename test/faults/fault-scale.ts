/**
 * The fault suite's one knob: `FAULT_SCALE=full` (`npm run test:faults`) runs every scenario at
 * the size docs/reliability.md reports; anything else (`npm test`) runs the same scenarios small.
 */
export const FULL = process.env.FAULT_SCALE === 'full';

export const SCALE = FULL
  ? {
      killedEmails: 1000,
      maxKills: 60,
      flushedEmails: 600,
      restartEmails: 400,
      smtpEach: 20,
      slowReplyMs: 25_000,
      races: 500,
      raceLanes: 10,
      shutdownEmails: 60,
    }
  : {
      killedEmails: 150,
      maxKills: 6,
      flushedEmails: 60,
      restartEmails: 60,
      smtpEach: 4,
      slowReplyMs: 2_000,
      races: 30,
      raceLanes: 6,
      shutdownEmails: 40,
    };

/** A jest timeout for a scenario: generous at full scale, where one test may take minutes. */
export const timeoutMs = (smallMs: number, fullMs: number) => (FULL ? fullMs : smallMs);

/** Prints a scenario's counts (docs/reliability.md quotes them from a full-scale run). */
export function report(scenario: string, counts: Record<string, unknown>): void {
  process.stdout.write(`[faults] ${scenario} ${JSON.stringify({ scale: FULL ? 'full' : 'small', ...counts })}\n`);
}
