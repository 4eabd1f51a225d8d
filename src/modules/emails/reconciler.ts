import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import { EmailStatus } from './email-kind';
import { withTryAdvisoryLock } from './advisory-lock';
import { releaseHeldEmails, usersWithStaleHolds } from './email-holds';
import { EMAIL_JOB, type EmailQueue } from './email-queue';

// Any fixed number: one reconciler sweep at a time across all workers.
const RECONCILER_LOCK = 727_274_002;
/** A due row still PENDING this long after its time has lost its timer (or the workers are behind). */
const OVERDUE_GRACE_SECONDS = 5;
const BATCH = 1000;

export interface SweepResult {
  skipped?: true;
  released: number;
  uncertain: number;
  /** Overdue rows that had no live timer and got one. */
  requeued: number;
}

/**
 * Repairs what Redis or a crashed worker can lose. Postgres is the truth: expired leases go
 * back to PENDING (nothing was handed to SMTP yet) or to UNCERTAIN (something may have been);
 * overdue PENDING rows get their timer again (adding an existing timer is a no-op).
 */
export class Reconciler {
  constructor(
    private readonly ds: DataSource,
    private readonly queue: EmailQueue,
    private readonly logger: Logger,
  ) {}

  /** Registers the periodic sweep (idempotent: the scheduler is upserted by id). */
  static async schedule(queue: Queue, config: Config): Promise<void> {
    await queue.upsertJobScheduler(
      EMAIL_JOB.sweep,
      { every: config.email.reconcileEverySeconds * 1000 },
      { name: EMAIL_JOB.sweep, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }

  sweep(): Promise<SweepResult> {
    return withTryAdvisoryLock(
      this.ds,
      RECONCILER_LOCK,
      () => this.repair(),
      () => ({ skipped: true, released: 0, uncertain: 0, requeued: 0 }),
    );
  }

  private async repair(): Promise<SweepResult> {
    // Leases of workers that died or hung. Released rows are due, so they are re-queued below.
    const [released, uncertain]: [
      { id: string; user_id: string; send_at: Date; attempts: number }[],
      { scheduled_email_id: string; user_id: string }[],
    ] = await Promise.all([
      this.ds.query(
        `WITH expired AS (
           UPDATE scheduled_emails SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
           WHERE status = 'SENDING' AND lease_expires_at < now() AND smtp_started_at IS NULL
           RETURNING id, user_id, attempts, send_at),
         logged AS (
           INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
           SELECT id, user_id, 'RELEASED', attempts, 'lease expired before SMTP' FROM expired)
         SELECT id, user_id, send_at, attempts FROM expired`,
      ),
      this.ds.query(
        `WITH expired AS (
           UPDATE scheduled_emails SET status = 'UNCERTAIN', lease_owner = NULL, lease_expires_at = NULL,
             last_error = 'the worker stopped while handing the message to SMTP; it may have been delivered', updated_at = now()
           WHERE status = 'SENDING' AND lease_expires_at < now() AND smtp_started_at IS NOT NULL
           RETURNING id, user_id, attempts)
         INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
         SELECT id, user_id, 'UNCERTAIN', attempts, 'lease expired during SMTP' FROM expired
         RETURNING scheduled_email_id, user_id`,
      ),
    ]);
    // Released rows are due now: they get a new timer at once (a new id, as their old job may be stalled).
    await this.queue.apply(
      released.map((r) => ({
        id: r.id,
        status: EmailStatus.PENDING,
        sendAt: r.send_at,
        attempts: r.attempts,
        userId: r.user_id,
      })),
    );
    this.queue.announce(
      uncertain.map((r) => ({ id: r.scheduled_email_id, status: EmailStatus.UNCERTAIN, userId: r.user_id })),
    );
    // Held mail (an unverified account's) has no timer to repair: it waits, without churn, until
    // verification releases it. A hold that raced the verification is released here.
    for (const userId of await usersWithStaleHolds(this.ds)) {
      await this.queue.apply(await this.ds.transaction((m) => releaseHeldEmails(m, userId)));
    }
    const overdue: { id: string; send_at: Date; attempts: number }[] = await this.ds.query(
      `SELECT id, send_at, attempts FROM scheduled_emails
       WHERE status = 'PENDING' AND send_at <= now() - make_interval(secs => $1) AND held_reason IS NULL
       ORDER BY send_at LIMIT $2`,
      [OVERDUE_GRACE_SECONDS, BATCH],
    );
    const requeued = await this.queue.requeue(
      overdue.map((r) => ({ id: r.id, sendAt: r.send_at, attempts: r.attempts })),
    );
    const result = { released: released.length, uncertain: uncertain.length, requeued };
    if (result.released || result.uncertain) this.logger.warn(result, 'reconciler repaired emails');
    return result;
  }
}
