import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import { withTryAdvisoryLock } from './advisory-lock';
import { EMAIL_JOB, type EmailQueue } from './email-queue';
import type { DigestPlanning } from './keep-in-touch';
import { planWeeklyDigests } from './weekly-digest';

// Any fixed number, apart from the other planners' and the reconciler's.
export const WEEKLY_DIGEST_PLANNER_LOCK = 727_274_004;

export interface WeeklyDigestPlanResult {
  /** Another worker was planning at that moment. */
  skipped?: true;
  /** Weekly digests planned by this run (one per user and ISO week). */
  planned: number;
}

/**
 * The `weekly_digest__plan` job: plans the weekly digests due today with their timers
 * (weekly-digest.ts). Running it again, or on several workers at once, plans nothing twice: the
 * digest's key is unique per user and ISO week, and one run holds the lock at a time.
 */
export class WeeklyDigestPlanner {
  constructor(
    private readonly ds: DataSource,
    private readonly queue: EmailQueue,
    private readonly logger: Logger,
    private readonly planning: DigestPlanning,
  ) {}

  /** Registers the periodic run, as often as the reconciler sweeps (idempotent: upserted by id). */
  static async schedule(queue: Queue, config: Config): Promise<void> {
    await queue.upsertJobScheduler(
      EMAIL_JOB.planWeeklyDigests,
      { every: config.email.reconcileEverySeconds * 1000 },
      {
        name: EMAIL_JOB.planWeeklyDigests,
        data: {},
        opts: { removeOnComplete: true, removeOnFail: { count: 100 } },
      },
    );
  }

  plan(): Promise<WeeklyDigestPlanResult> {
    return withTryAdvisoryLock(
      this.ds,
      WEEKLY_DIGEST_PLANNER_LOCK,
      async () => {
        const digests = await planWeeklyDigests(this.ds, this.planning);
        // A timer lost here is re-added by the reconciler's sweep, as for any overdue row.
        await this.queue.apply(digests);
        if (digests.length) this.logger.debug({ planned: digests.length }, 'planned weekly digests');
        return { planned: digests.length };
      },
      () => ({ skipped: true, planned: 0 }),
    );
  }
}
