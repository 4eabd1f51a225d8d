import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Logger } from '../../core/logger';
import { EmailStatus } from './email-kind';
import type { EmailStatusChange, EmailStatusFeed } from './email-status-feed';

export const EMAIL_JOB = {
  send: 'scheduled_email__send',
  sweep: 'reconciler__sweep',
  planDigests: 'keep_in_touch__plan_digests',
  planWeeklyDigests: 'weekly_digest__plan',
  sendNotice: 'account_notice__send',
} as const;

/** Payload of a send job: an id, nothing else (no addresses, tokens or bodies in Redis). */
export interface SendJobData {
  scheduledEmailId: string;
}

/** What a transaction changed in the outbox, to mirror in Redis once it has committed. */
export interface OutboxChange {
  id: string;
  status: EmailStatus;
  sendAt: Date;
  /** The send time the row had before, whose timer is now stale. */
  previousSendAt?: Date | null;
  /** Attempts so far: a row released by the reconciler needs a new timer, not its stalled old one. */
  attempts?: number;
  /** The row's user, when the caller has it (live updates look it up otherwise). */
  userId?: string;
}

/**
 * One timer per (row, send time, attempts after a released lease): re-adding the same one is a
 * no-op, and a stale timer that still fires finds the row not due or no longer PENDING and does
 * nothing. The id is `se` and 17 characters (102 bits) of a SHA-256 over those three: short, so a
 * pending timer stays a compact hash in Redis (see createQueue); the row id is in the job's data.
 */
export function sendJobId(id: string, sendAt: Date, attempts = 0): string {
  const digest = createHash('sha256').update(`${id}/${sendAt.getTime()}/${attempts}`).digest('base64url');
  return `se${digest.slice(0, 17)}`;
}

const REDIS_TIMEOUT_MS = 1_000;

/**
 * Mirrors committed outbox changes into Redis: BullMQ delayed jobs, and live updates to the
 * user's devices (EmailStatusFeed). Postgres stays the truth: failures here are only logged.
 */
export class EmailQueue {
  constructor(
    private readonly queue: Queue,
    private readonly logger: Logger,
    private readonly feed?: EmailStatusFeed,
  ) {}

  /** Status changes committed without a timer to move (a send's outcome): live updates only. */
  announce(changes: EmailStatusChange[]): void {
    this.feed?.changed(changes);
  }

  async apply(changes: OutboxChange[]): Promise<void> {
    if (!changes.length) return;
    this.feed?.changed(changes);
    const work = async () => {
      const timers: OutboxChange[] = [];
      for (const change of changes) {
        if (change.previousSendAt && change.previousSendAt.getTime() !== change.sendAt.getTime()) {
          await this.remove(sendJobId(change.id, change.previousSendAt));
        }
        if (change.status === EmailStatus.PENDING) timers.push(change);
        else await this.remove(sendJobId(change.id, change.sendAt));
      }
      // One round trip for all the new timers. Each delay is counted from the moment they are
      // added, so a timer fires at its send_at however long the work before took.
      if (timers.length) {
        const now = Date.now();
        await this.queue.addBulk(
          timers.map((t) => ({
            name: EMAIL_JOB.send,
            data: jobData(t.id),
            opts: jobOptions(t.id, t.sendAt, now, t.attempts),
          })),
        );
      }
    };
    try {
      await withTimeout(work(), REDIS_TIMEOUT_MS * Math.max(1, Math.ceil(changes.length / 50)));
    } catch (err) {
      // The reconciler re-creates missing timers for due rows; nothing is lost.
      this.logger.warn({ err, emails: changes.length }, 'could not update email timers in Redis; the reconciler will');
    }
  }

  /**
   * For the reconciler: gives each overdue row a live timer. A job left under the same id by a
   * dead worker may sit in `failed` (stalled too often) or `completed`; then adding the id again
   * would do nothing, so such a job is replaced. Waiting, delayed and active jobs are left alone.
   */
  async requeue(rows: { id: string; sendAt: Date; attempts: number }[], now = Date.now()): Promise<number> {
    let added = 0;
    for (const row of rows) {
      const jobId = sendJobId(row.id, row.sendAt, row.attempts);
      try {
        const job = await this.queue.getJob(jobId);
        const state = job ? await job.getState() : 'missing';
        if (state === 'failed' || state === 'completed' || state === 'unknown') await job!.remove();
        else if (state !== 'missing') continue;
        await this.add(row.id, row.sendAt, now, row.attempts);
        added++;
      } catch (err) {
        this.logger.warn({ err, jobId }, 'could not requeue an overdue email; next sweep will retry');
      }
    }
    return added;
  }

  /**
   * Removes the timers of rows that no longer exist (a deleted account's outbox): both ids a
   * row's timer may have (planned, or re-created by the reconciler after a released lease).
   * Best effort like `apply`: a timer left behind finds no row and does nothing.
   */
  async forget(rows: { id: string; sendAt: Date; attempts: number }[]): Promise<void> {
    if (!rows.length) return;
    const work = async () => {
      for (const row of rows) {
        await this.remove(sendJobId(row.id, row.sendAt));
        if (row.attempts) await this.remove(sendJobId(row.id, row.sendAt, row.attempts));
      }
    };
    try {
      await withTimeout(work(), REDIS_TIMEOUT_MS * Math.max(1, Math.ceil(rows.length / 50)));
    } catch (err) {
      this.logger.warn({ err, emails: rows.length }, 'could not remove the timers of deleted emails');
    }
  }

  /** Best effort: a timer that is running right now cannot be removed, and need not be (it will find nothing to do). */
  private async remove(jobId: string): Promise<void> {
    try {
      await this.queue.remove(jobId);
    } catch (err) {
      this.logger.debug({ err, jobId }, 'timer not removed');
    }
  }

  add(id: string, sendAt: Date, now = Date.now(), attempts = 0) {
    return this.queue.add(EMAIL_JOB.send, jobData(id), jobOptions(id, sendAt, now, attempts));
  }
}

const jobData = (id: string): SendJobData => ({ scheduledEmailId: id });

/**
 * Only the id and the delay: BullMQ's default of one attempt stands (retries are planned in
 * Postgres, send_at + backoff), and the worker removes a completed job and keeps a failed one a
 * week (EMAIL_WORKER_OPTIONS). Anything more would be stored with every pending timer.
 */
function jobOptions(id: string, sendAt: Date, now: number, attempts = 0) {
  return { jobId: sendJobId(id, sendAt, attempts), delay: Math.max(0, sendAt.getTime() - now) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`Redis did not answer in ${ms} ms`)), ms).unref()),
  ]);
}
