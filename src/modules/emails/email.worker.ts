import { UnrecoverableError, type Job } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import { classifySmtpError, HeaderInjectionError, type Mailer } from '../../core/mail/mailer';
import { ContactStage } from '../contacts/contact-stage';
import { Contact } from '../contacts/contact.entity';
import { Meeting, MeetingStatus } from '../meetings/meeting.entity';
import { User } from '../users/user.entity';
import type { EmailComposer } from './email-composer';
import { CONTACT_FACING, EmailKind, EmailStatus, USER_REMINDERS } from './email-kind';
import { retryDelayMs } from './email-planner';
import type { EmailQueue, SendJobData } from './email-queue';
import { EmailSuppression, SuppressionReason } from './email-suppression.entity';
import { hasContactsDue } from './keep-in-touch';
import { CancelReason, type OutboxService } from './outbox.service';
import { ScheduledEmail } from './scheduled-email.entity';
import type { SuppressionService } from './suppression.service';

export type SendOutcome = 'NOT_DUE' | EmailStatus;

/**
 * Sends one outbox row. Safe to run any number of times for the same row, from any number of
 * workers: only the worker whose conditional UPDATE claims the row talks to SMTP.
 */
export class EmailSender {
  constructor(
    private readonly ds: DataSource,
    private readonly mailer: Mailer,
    private readonly composer: EmailComposer,
    private readonly outbox: OutboxService,
    private readonly queue: EmailQueue,
    private readonly suppressions: SuppressionService,
    private readonly config: Config,
    private readonly logger: Logger,
    /** Identifies this worker in leases, e.g. `hostname:pid`. */
    private readonly workerId: string,
  ) {}

  processor() {
    return (job: Job<SendJobData>) => this.send(job.data.scheduledEmailId);
  }

  async send(id: string): Promise<SendOutcome> {
    const row = await this.claim(id);
    if (!row) return 'NOT_DUE';

    const blocked = await this.ds.transaction((m) => this.recheck(m, row));
    if (blocked) return blocked;

    let composed;
    try {
      composed = await this.composer.compose(this.ds.manager, row);
    } catch (err) {
      await this.finish(row, EmailStatus.FAILED, { lastError: `render failed: ${message(err)}` }, 'FAILED');
      // Retrying cannot fix a template that does not render.
      throw new UnrecoverableError(`render failed for scheduled email ${row.id}`);
    }
    if (!composed)
      return this.finish(
        row,
        EmailStatus.CANCELLED,
        { cancelReason: 'GONE' },
        'CANCELLED',
        'what it was about no longer exists',
      );

    // From here on a lost lease means "maybe delivered": the reconciler marks it UNCERTAIN, never re-sends.
    const started = await this.ds.query(
      `UPDATE scheduled_emails SET smtp_started_at = now(), subject = $3
       WHERE id = $1 AND lease_owner = $2 AND status = 'SENDING' RETURNING id`,
      [row.id, this.workerId, composed.rendered.subject],
    );
    if (!rowsOf(started).length) return 'NOT_DUE';

    try {
      const result = await this.mailer.send(composed.mail);
      return await this.sent(row, result.response);
    } catch (err) {
      if (err instanceof HeaderInjectionError) {
        // Refused before any byte reached SMTP; retrying would refuse it again.
        await this.finish(row, EmailStatus.FAILED, { lastError: err.message }, 'FAILED', err.message);
        throw new UnrecoverableError(err.message);
      }
      return this.failed(row, err);
    }
  }

  /** The conditional claim: only a due PENDING row moves to SENDING, by the database clock. */
  private async claim(id: string): Promise<ScheduledEmail | null> {
    const result = await this.ds.query(
      `UPDATE scheduled_emails
       SET status = 'SENDING', lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
           attempts = attempts + 1, smtp_started_at = NULL, updated_at = now()
       WHERE id = $1 AND status = 'PENDING' AND send_at <= now()
       RETURNING id`,
      [id, this.workerId, this.config.email.leaseSeconds],
    );
    if (!rowsOf(result).length) return null;
    const row = await this.ds.getRepository(ScheduledEmail).findOneByOrFail({ id });
    await this.outbox.event(this.ds.manager, row, 'CLAIMED', this.workerId);
    return row;
  }

  /** What may have changed since the email was planned: cancellation, opt-out, suppression, switched-off reminders. */
  private async recheck(m: EntityManager, row: ScheduledEmail): Promise<SendOutcome | null> {
    if (row.meetingId) {
      const meeting = await m.getRepository(Meeting).findOneBy({ id: row.meetingId });
      // The cancellation notice is the one email a cancelled meeting still sends.
      const over =
        meeting &&
        row.kind !== EmailKind.MEETING_CANCELLED &&
        (meeting.status === MeetingStatus.CANCELLED || meeting.status === MeetingStatus.NO_SHOW);
      if (!meeting || over)
        return this.finish(
          row,
          EmailStatus.CANCELLED,
          { cancelReason: 'MEETING_CANCELLED' },
          'CANCELLED',
          'meeting cancelled',
          m,
        );
    }
    if (CONTACT_FACING.has(row.kind)) {
      const contact = row.contactId ? await m.getRepository(Contact).findOneBy({ id: row.contactId }) : null;
      const suppressed = await m.getRepository(EmailSuppression).findOneBy({ email: row.toEmail.toLowerCase() });
      if (contact?.emailOptOut || suppressed) {
        return this.finish(row, EmailStatus.SUPPRESSED, {}, 'SUPPRESSED', suppressed?.reason ?? 'contact opted out', m);
      }
    }
    if (USER_REMINDERS.has(row.kind)) {
      const user = await m.getRepository(User).findOneBy({ id: row.userId });
      if (!user || user.disabledReminders.includes(row.kind) || user.suspendedAt) {
        return this.finish(
          row,
          EmailStatus.CANCELLED,
          { cancelReason: 'REMINDER_OFF' },
          'CANCELLED',
          'reminder switched off',
          m,
        );
      }
    }
    const moot = await this.moot(m, row);
    if (moot)
      return this.finish(row, EmailStatus.CANCELLED, { cancelReason: moot.reason }, 'CANCELLED', moot.detail, m);
    return null;
  }

  /**
   * Reminders worth sending only while their reason holds: a no-answer nudge while the contact
   * is still REQUESTED (not once they answered, a meeting was scheduled, they declined…), a
   * keep-in-touch digest while someone is still due (an interaction may have been logged since).
   */
  private async moot(m: EntityManager, row: ScheduledEmail): Promise<{ reason: CancelReason; detail: string } | null> {
    if (row.kind === EmailKind.OUTREACH_NUDGE) {
      const contact = row.contactId
        ? await m.getRepository(Contact).findOneBy({ id: row.contactId, userId: row.userId })
        : null;
      if (!contact) return { reason: CancelReason.CONTACT_DELETED, detail: 'the contact was deleted' };
      if (contact.stage !== ContactStage.REQUESTED) {
        return { reason: CancelReason.ANSWERED, detail: `the contact moved on to ${contact.stage}` };
      }
    }
    if (row.kind === EmailKind.KEEP_IN_TOUCH_DIGEST && !(await hasContactsDue(m, row.userId))) {
      return { reason: CancelReason.NOTHING_DUE, detail: 'no contact is due any more' };
    }
    return null;
  }

  private async sent(row: ScheduledEmail, response: string): Promise<SendOutcome> {
    await this.ds.transaction(async (m) => {
      // Also from UNCERTAIN: if the reconciler gave up on our lease, we now know it went out.
      const result = await m.query(
        `UPDATE scheduled_emails
         SET status = 'SENT', sent_at = now(), smtp_response = $3, last_error = NULL, lease_owner = NULL,
             lease_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND ((status = 'SENDING' AND lease_owner = $2) OR status = 'UNCERTAIN')
         RETURNING id`,
        [row.id, this.workerId, response.slice(0, 500)],
      );
      if (!rowsOf(result).length) {
        this.logger.warn({ scheduledEmailId: row.id }, 'sent, but the row had moved on; recorded the send only');
      }
      await this.outbox.event(m, row, 'SENT', response.slice(0, 500));
      if (CONTACT_FACING.has(row.kind) && row.contactId) {
        // An email to the contact is an interaction: the keep-in-touch clock restarts.
        await m.query(
          `UPDATE contacts SET last_contacted_at = greatest(coalesce(last_contacted_at, '-infinity'), now()) WHERE id = $1`,
          [row.contactId],
        );
      }
    });
    return EmailStatus.SENT;
  }

  private async failed(row: ScheduledEmail, err: unknown): Promise<SendOutcome> {
    const kind = classifySmtpError(err);
    const detail = message(err).slice(0, 500);
    if (kind === 'UNCERTAIN') {
      this.logger.warn(
        { scheduledEmailId: row.id, err },
        'SMTP connection lost after the message was sent: delivery uncertain',
      );
      return this.finish(row, EmailStatus.UNCERTAIN, { lastError: detail }, 'UNCERTAIN', detail);
    }
    if (kind === 'PERMANENT') {
      const outcome = await this.finish(row, EmailStatus.FAILED, { lastError: detail }, 'FAILED', detail);
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
        'FAILED',
        detail,
      );
    }
    const sendAt = new Date(Date.now() + retryDelayMs(row.attempts, this.config.email.retryBaseSeconds));
    const result = await this.ds.query(
      `UPDATE scheduled_emails SET status = 'PENDING', send_at = $3, last_error = $4, lease_owner = NULL,
         lease_expires_at = NULL, smtp_started_at = NULL, updated_at = now()
       WHERE id = $1 AND status = 'SENDING' AND lease_owner = $2 RETURNING id`,
      [row.id, this.workerId, sendAt, detail],
    );
    if (rowsOf(result).length) {
      await this.outbox.event(this.ds.manager, row, 'RETRY_SCHEDULED', `${detail} — next try ${sendAt.toISOString()}`);
      await this.queue.apply([{ id: row.id, status: EmailStatus.PENDING, sendAt }]);
    }
    return EmailStatus.PENDING;
  }

  /** Ends a claimed row in `status`, only while this worker still holds it. */
  private async finish(
    row: ScheduledEmail,
    status: EmailStatus,
    fields: { lastError?: string; cancelReason?: string },
    event: string,
    detail: string | null = null,
    m: EntityManager = this.ds.manager,
  ): Promise<SendOutcome> {
    const result = await m.query(
      `UPDATE scheduled_emails SET status = $3, last_error = coalesce($4, last_error), cancel_reason = coalesce($5, cancel_reason),
         lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE id = $1 AND status = 'SENDING' AND lease_owner = $2 RETURNING id`,
      [row.id, this.workerId, status, fields.lastError ?? null, fields.cancelReason ?? null],
    );
    if (rowsOf(result).length) await this.outbox.event(m, row, event, detail ?? fields.lastError ?? null);
    return status;
  }
}

/** TypeORM returns `[rows, count]` for UPDATE … RETURNING on Postgres. */
function rowsOf(result: unknown): { id: string }[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as { id: string }[]) : [];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
