import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import { withTryAdvisoryLock } from './advisory-lock';
import { EMAIL_JOB, type EmailQueue, type OutboxChange } from './email-queue';
import { foldIntoDigests, planDueReminders } from './due-reminders';
import { DUE_REMINDERS } from './email-kind';
import { planKeepInTouchDigests, type DigestPlanning } from './keep-in-touch';

// Any fixed number, apart from the reconciler's: one planning run at a time across all workers.
export const DIGEST_PLANNER_LOCK = 727_274_003;

export interface DigestPlanResult {
  /** Another worker was planning at that moment. */
  skipped?: true;
  /** Keep-in-touch digests planned by this run (one per user and local day). */
  planned: number;
  /** Promise and deadline reminders planned (or revived) by this run. */
  reminders?: number;
}

/**
 * The `keep_in_touch__plan_digests` job: plans the day's keep-in-touch digests with their timers
 * (keep-in-touch.ts), then the day's promise and deadline reminders (due-reminders.ts). Running it again, or on several workers at once, plans nothing twice: the
 * digest's key is unique per user and local day, and one run holds the lock at a time.
 */
export class DigestPlanner {
  constructor(
    private readonly ds: DataSource,
    private readonly queue: EmailQueue,
    private readonly logger: Logger,
    private readonly planning: DigestPlanning,
  ) {}

  /** Registers the periodic run, as often as the reconciler sweeps (idempotent: upserted by id). */
  static async schedule(queue: Queue, config: Config): Promise<void> {
    await queue.upsertJobScheduler(
      EMAIL_JOB.planDigests,
      { every: config.email.reconcileEverySeconds * 1000 },
      { name: EMAIL_JOB.planDigests, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }

  plan(): Promise<DigestPlanResult> {
    return withTryAdvisoryLock(
      this.ds,
      DIGEST_PLANNER_LOCK,
      async () => {
        const digests = await planKeepInTouchDigests(this.ds, this.planning);
        // Digests first: a reminder whose day has a digest is carried by it (due-reminders.ts).
        const folded = await foldIntoDigests(this.ds);
        const reminders: OutboxChange[] = [];
        for (const kind of DUE_REMINDERS) reminders.push(...(await planDueReminders(this.ds, kind, this.planning)));
        // A timer lost here is re-added by the reconciler's sweep, as for any overdue row.
        await this.queue.apply([...digests, ...folded, ...reminders]);
        if (digests.length) this.logger.debug({ planned: digests.length }, 'planned keep-in-touch digests');
        if (reminders.length) this.logger.debug({ planned: reminders.length }, 'planned due reminders');
        return { planned: digests.length, ...(reminders.length ? { reminders: reminders.length } : {}) };
      },
      () => ({ skipped: true, planned: 0 }),
    );
  }
}
