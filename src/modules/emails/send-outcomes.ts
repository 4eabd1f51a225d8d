import type { DataSource } from 'typeorm';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import { classifySmtpError, isHardBounce } from '../../core/mail/mailer';
import type { ClaimedEmail, EmailClaims } from './email-claims';
import { EmailStatus } from './email-kind';
import { retryDelayMs } from './email-planner';
import type { EmailQueue } from './email-queue';
import { SuppressionReason } from './email-suppression.entity';
import type { SendSkip } from './send-policy';
import type { SuppressionService } from './suppression.service';

/** How one send job ended: the row's new status, or NOT_DUE when there was nothing (left) to do. */
export type SendOutcome = 'NOT_DUE' | EmailStatus;

/**
 * Records how a claimed email ended — sent, stopped by the policy, failed, uncertain, or to be
 * retried with backoff — each only while this job's claim still holds the row, with its event in the
 * same statement.
 */
export class SendOutcomes {
  constructor(
    private readonly ds: DataSource,
    private readonly claims: EmailClaims,
    private readonly queue: EmailQueue,
    private readonly suppressions: SuppressionService,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /** The server has the message. Failing to record it never counts as a failed send (which would re-send). */
  async sent(row: ClaimedEmail, response: string): Promise<SendOutcome> {
    if (!(await this.claims.markSent(row, response.slice(0, 500)))) {
      this.logger.warn({ scheduledEmailId: row.id }, 'sent, but the row had moved on; recorded the send only');
    } else {
      this.queue.announce([{ id: row.id, status: EmailStatus.SENT, userId: row.userId }]);
    }
    return EmailStatus.SENT;
  }

  /** The send policy stopped it. */
  skipped(row: ClaimedEmail, skip: SendSkip): Promise<SendOutcome> {
    return this.finish(row, skip.status, { cancelReason: skip.cancelReason ?? undefined }, skip.detail);
  }

  /** Nothing to render: the user or the meeting it was about no longer exists. */
  gone(row: ClaimedEmail): Promise<SendOutcome> {
    return this.finish(row, EmailStatus.CANCELLED, { cancelReason: 'GONE' }, 'what it was about no longer exists');
  }

  /** The template does not render; retrying cannot fix that. */
  renderFailed(row: ClaimedEmail, err: unknown): Promise<SendOutcome> {
    return this.finish(row, EmailStatus.FAILED, { lastError: `render failed: ${message(err)}` });
  }

  /** Refused before any byte reached SMTP (e.g. a header injection); retrying would refuse it again. */
  refused(row: ClaimedEmail, err: Error): Promise<SendOutcome> {
    return this.finish(row, EmailStatus.FAILED, { lastError: err.message }, err.message);
  }

  /**
   * SMTP failed. A lost connection after the message went is UNCERTAIN (never re-sent); a
   * permanent answer is FAILED, and suppresses the address only when it says the mailbox does not
   * exist or is disabled (a hard bounce, see isHardBounce: a content or policy rejection must not
   * cost every user the contact); anything else is tried again with backoff, until the attempts
   * run out.
   */
  async failed(row: ClaimedEmail, err: unknown): Promise<SendOutcome> {
    const kind = classifySmtpError(err);
    const detail = message(err).slice(0, 500);
    if (kind === 'UNCERTAIN') {
      this.logger.warn(
        { scheduledEmailId: row.id, err },
        'SMTP connection lost after the message was sent: delivery uncertain',
      );
      return this.finish(row, EmailStatus.UNCERTAIN, { lastError: detail }, detail);
    }
    if (kind === 'PERMANENT') {
      const outcome = await this.finish(row, EmailStatus.FAILED, { lastError: detail }, detail);
      if (!isHardBounce(err)) return outcome;
      // A hard bounce: never mail this address again.
      const changed = await this.suppressions.suppress(row.toEmail, SuppressionReason.HARD_BOUNCE, detail);
      await this.queue.apply(changed.map((id) => ({ id, status: EmailStatus.SUPPRESSED, sendAt: new Date() })));
      return outcome;
    }
    if (row.attempts >= this.config.email.maxAttempts) {
      return this.finish(
        row,
        EmailStatus.FAILED,
        { lastError: `gave up after ${row.attempts} attempts: ${detail}` },
        detail,
      );
    }
    return this.retry(row, detail);
  }

  /** Given back before SMTP (the worker is shutting down): PENDING again, due now, with a new timer. */
  async released(row: ClaimedEmail): Promise<SendOutcome> {
    const released: { send_at: Date }[] = await this.ds.query(
      `WITH released AS (
         UPDATE scheduled_emails SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL,
           smtp_started_at = NULL, updated_at = now()
         WHERE id = $1 AND status = 'SENDING' AND lease_owner = $2 AND smtp_started_at IS NULL
         RETURNING id, user_id, send_at),
       logged AS (
         INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
         SELECT id, user_id, 'RELEASED', $3, 'the worker shut down before SMTP' FROM released)
       SELECT send_at FROM released`,
      [row.id, row.leaseOwner, row.attempts],
    );
    // A new timer id (attempts counted), as this job's own is still running.
    if (released.length) {
      await this.queue.apply([
        {
          id: row.id,
          status: EmailStatus.PENDING,
          sendAt: released[0].send_at,
          attempts: row.attempts,
          userId: row.userId,
        },
      ]);
    }
    return EmailStatus.PENDING;
  }

  private async retry(row: ClaimedEmail, detail: string): Promise<SendOutcome> {
    const sendAt = new Date(Date.now() + retryDelayMs(row.attempts, this.config.email.retryBaseSeconds));
    const retried: unknown[] = await this.ds.query(
      `WITH retry AS (
         UPDATE scheduled_emails SET status = 'PENDING', send_at = $3, last_error = $4, lease_owner = NULL,
           lease_expires_at = NULL, smtp_started_at = NULL, updated_at = now()
         WHERE id = $1 AND status = 'SENDING' AND lease_owner = $2 RETURNING id, user_id)
       INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
       SELECT id, user_id, 'RETRY_SCHEDULED', $5, $6 FROM retry
       RETURNING scheduled_email_id`,
      [row.id, row.leaseOwner, sendAt, detail, row.attempts, `${detail} — next try ${sendAt.toISOString()}`],
    );
    if (retried.length) {
      await this.queue.apply([{ id: row.id, status: EmailStatus.PENDING, sendAt, userId: row.userId }]);
    }
    return EmailStatus.PENDING;
  }

  /**
   * Ends a claimed row in `status` (its event is named the same), only while this job's claim still
   * holds it; the event in the same statement, its detail `detail` or else the error.
   */
  private async finish(
    row: ClaimedEmail,
    status: EmailStatus,
    fields: { lastError?: string; cancelReason?: string },
    detail: string | null = null,
  ): Promise<SendOutcome> {
    const done: unknown[] = await this.ds.query(
      `WITH done AS (
         UPDATE scheduled_emails SET status = $3, last_error = coalesce($4, last_error),
           cancel_reason = coalesce($5, cancel_reason), lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND status = 'SENDING' AND lease_owner = $2 RETURNING id, user_id)
       INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
       SELECT id, user_id, $6, $7, $8 FROM done
       RETURNING scheduled_email_id`,
      [
        row.id,
        row.leaseOwner,
        status,
        fields.lastError ?? null,
        fields.cancelReason ?? null,
        status,
        row.attempts,
        detail ?? fields.lastError ?? null,
      ],
    );
    if (done.length) this.queue.announce([{ id: row.id, status, userId: row.userId }]);
    return status;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
