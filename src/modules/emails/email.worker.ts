import { UnrecoverableError } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Config } from '../../core/config';
import { isPgError } from '../../core/db/pg-errors';
import { queryPrepared } from '../../core/db/prepared';
import { isUuid } from '../../core/ids';
import type { Logger } from '../../core/logger';
import { classifySmtpError, HeaderInjectionError, type Mailer } from '../../core/mail/mailer';
import { ContactStage } from '../contacts/contact-stage';
import { MeetingStatus } from '../meetings/meeting.entity';
import { Batcher } from './batching';
import type { EmailComposer, Renderable } from './email-composer';
import { emailDataFrom, emailDataSelect, type DataRow, type EmailData, type EmailFacts } from './email-context';
import { CONTACT_FACING, EmailKind, EmailStatus, USER_REMINDERS } from './email-kind';
import { retryDelayMs } from './email-planner';
import type { EmailQueue } from './email-queue';
import { SuppressionReason } from './email-suppression.entity';
import { hasContactsDue } from './keep-in-touch';
import { CancelReason } from './outbox.service';
import type { ScheduledEmail } from './scheduled-email.entity';
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
    private readonly queue: EmailQueue,
    private readonly suppressions: SuppressionService,
    private readonly config: Config,
    private readonly logger: Logger,
    /** Identifies this worker in leases, e.g. `hostname:pid`. */
    private readonly workerId: string,
  ) {}

  // The three statements every email needs go out batched across the jobs in flight: one claim,
  // one "SMTP started" and one "sent" statement serve every job that reached that step meanwhile.
  // Each row keeps its own conditions; a batch is one transaction.
  private readonly claims = new Batcher((ids: string[]) => this.claimAll(ids), CLAIM_BATCHING);
  private readonly starts = new Batcher((items: { id: string; subject: string }[]) => this.startAll(items), BATCHING);
  private readonly sends = new Batcher(
    (items: { row: ClaimedEmail; response: string }[]) => this.sentAll(items),
    BATCHING,
  );

  async send(id: string): Promise<SendOutcome> {
    const claimed = await this.claim(id);
    if (!claimed) return 'NOT_DUE';
    const { row, data } = claimed;

    const blocked = await this.recheck(row, data.facts);
    if (blocked) return blocked;

    let composed;
    try {
      composed = this.composer.build(row, data);
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
    if (!(await this.starts.submit({ id: row.id, subject: composed.rendered.subject }))) return 'NOT_DUE';

    let result;
    try {
      result = await this.mailer.send(composed.mail);
    } catch (err) {
      if (err instanceof HeaderInjectionError) {
        // Refused before any byte reached SMTP; retrying would refuse it again.
        await this.finish(row, EmailStatus.FAILED, { lastError: err.message }, 'FAILED', err.message);
        throw new UnrecoverableError(err.message);
      }
      return this.failed(row, err);
    }
    // Outside the try: the server has the message, so failing to record it must never count as
    // a failed send (which would plan a retry, and a second copy). The row keeps its lease and its
    // smtp_started_at, and becomes UNCERTAIN if it cannot be marked SENT.
    return this.sent(row, result.response);
  }

  /**
   * The conditional claim: only a due PENDING row moves to SENDING, by the database clock. The
   * same statement records the CLAIMED event and reads, as they are at that moment, everything
   * the re-checks look at and the message shows (one read serves both).
   */
  private async claim(id: string): Promise<{ row: ClaimedEmail; data: EmailData } | null> {
    // A timer whose id cannot be a row's has nothing to claim, and must not fail a whole batch.
    if (!isUuid(id)) return null;
    const r = await this.claims.submit(id);
    if (!r) return null;
    const row: ClaimedEmail = {
      id: r.id,
      userId: r.user_id,
      meetingId: r.meeting_id,
      contactId: r.contact_id,
      kind: r.kind,
      toEmail: r.to_email,
      toName: r.to_name,
      subjectOverride: r.subject_override,
      bodyOverride: r.body_override,
      messageId: r.message_id,
      attempts: r.attempts,
    };
    const data = await emailDataFrom(this.ds.manager, r, this.composer.dataOptions(row));
    // The statement lower-cases ASCII only (collation "C"), exactly as JavaScript does; any other
    // address is looked up again as the suppression list stores it.
    if (CONTACT_FACING.has(row.kind) && !data.facts.suppressedReason && NON_ASCII.test(row.toEmail)) {
      const [suppressed]: { reason: string }[] = await this.ds.query(
        'SELECT reason FROM email_suppressions WHERE email = $1',
        [row.toEmail.toLowerCase()],
      );
      data.facts.suppressedReason = suppressed?.reason ?? null;
    }
    return { row, data };
  }

  /** Claims a batch of rows; each id gets its claimed row, or null (not due, not PENDING, or asked twice). */
  private async claimAll(ids: string[]): Promise<((ClaimedRow & DataRow) | null)[]> {
    const rows = await queryPrepared<ClaimedRow & DataRow>(
      this.ds,
      CLAIM,
      [ids, this.workerId, this.config.email.leaseSeconds, [...CONTACT_FACING]],
      GENERIC_PLAN,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    // A row claimed once goes to one job only, even if two of its timers fired together.
    return ids.map((id) => {
      const r = byId.get(id) ?? null;
      byId.delete(id);
      return r;
    });
  }

  /** Sets smtp_started_at on rows this worker still holds; true for each that it did. */
  private async startAll(items: { id: string; subject: string }[]): Promise<boolean[]> {
    const started = await queryPrepared<{ id: string }>(
      this.ds,
      START,
      [items.map((i) => i.id), items.map((i) => i.subject), this.workerId],
      GENERIC_PLAN,
    );
    const ids = new Set(started.map((r) => r.id));
    return items.map((i) => ids.has(i.id));
  }

  /** What may have changed since the email was planned: cancellation, opt-out, suppression, switched-off reminders. */
  private async recheck(row: ClaimedEmail, facts: EmailFacts): Promise<SendOutcome | null> {
    if (row.meetingId) {
      const meeting = facts.meeting;
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
        );
    }
    // The row's own contact (what was read may be the meeting's contact when the row names none).
    const contact = row.contactId && facts.contact?.id === row.contactId ? facts.contact : null;
    if (CONTACT_FACING.has(row.kind) && (contact?.emailOptOut || facts.suppressedReason)) {
      return this.finish(row, EmailStatus.SUPPRESSED, {}, 'SUPPRESSED', facts.suppressedReason ?? 'contact opted out');
    }
    if (USER_REMINDERS.has(row.kind)) {
      const user = facts.user;
      if (!user || user.disabledReminders.includes(row.kind) || user.suspendedAt) {
        return this.finish(
          row,
          EmailStatus.CANCELLED,
          { cancelReason: 'REMINDER_OFF' },
          'CANCELLED',
          'reminder switched off',
        );
      }
    }
    const moot = await this.moot(row, contact);
    if (moot) return this.finish(row, EmailStatus.CANCELLED, { cancelReason: moot.reason }, 'CANCELLED', moot.detail);
    return null;
  }

  /**
   * Reminders worth sending only while their reason holds: a no-answer nudge while the contact
   * is still REQUESTED (not once they answered, a meeting was scheduled, they declined…), a
   * keep-in-touch digest while someone is still due (an interaction may have been logged since).
   */
  private async moot(
    row: ClaimedEmail,
    contact: EmailFacts['contact'],
  ): Promise<{ reason: CancelReason; detail: string } | null> {
    if (row.kind === EmailKind.OUTREACH_NUDGE) {
      if (!contact) return { reason: CancelReason.CONTACT_DELETED, detail: 'the contact was deleted' };
      if (contact.stage !== ContactStage.REQUESTED) {
        return { reason: CancelReason.ANSWERED, detail: `the contact moved on to ${contact.stage}` };
      }
    }
    if (row.kind === EmailKind.KEEP_IN_TOUCH_DIGEST && !(await hasContactsDue(this.ds.manager, row.userId))) {
      return { reason: CancelReason.NOTHING_DUE, detail: 'no contact is due any more' };
    }
    return null;
  }

  /**
   * Records the send: SENT only while this worker still holds the lease (or from UNCERTAIN: if
   * the reconciler gave up on our lease, we now know it went out), the SENT event either way, and
   * — for mail to a contact — the restart of that contact's keep-in-touch clock.
   */
  private async sent(row: ClaimedEmail, response: string): Promise<SendOutcome> {
    if (!(await this.sends.submit({ row, response: response.slice(0, 500) }))) {
      this.logger.warn({ scheduledEmailId: row.id }, 'sent, but the row had moved on; recorded the send only');
    }
    return EmailStatus.SENT;
  }

  /** One statement for a batch of sends; true for each row it marked SENT. */
  private async sentAll(items: { row: ClaimedEmail; response: string }[]): Promise<boolean[]> {
    // These messages are out: if PostgreSQL picks this statement as a deadlock victim (it locks
    // rows and contacts; a concurrent change may lock them the other way round), nothing of it was
    // written, so it is run again rather than leaving the rows to become UNCERTAIN.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recordSent(items);
      } catch (err) {
        if (attempt >= 3 || !isPgError(err, PG_DEADLOCK_DETECTED)) throw err;
      }
    }
  }

  private async recordSent(items: { row: ClaimedEmail; response: string }[]): Promise<boolean[]> {
    const marked = await queryPrepared<{ id: string }>(
      this.ds,
      SENT,
      [
        items.map((i) => i.row.id),
        items.map((i) => i.row.userId),
        items.map((i) => i.row.attempts),
        items.map((i) => i.response),
        items.map((i) => (CONTACT_FACING.has(i.row.kind) ? i.row.contactId : null)),
        this.workerId,
      ],
      GENERIC_PLAN,
    );
    const ids = new Set(marked.map((r) => r.id));
    return items.map((i) => ids.has(i.row.id));
  }

  private async failed(row: ClaimedEmail, err: unknown): Promise<SendOutcome> {
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
    const retried: unknown[] = await this.ds.query(
      `WITH retry AS (
         UPDATE scheduled_emails SET status = 'PENDING', send_at = $3, last_error = $4, lease_owner = NULL,
           lease_expires_at = NULL, smtp_started_at = NULL, updated_at = now()
         WHERE id = $1 AND status = 'SENDING' AND lease_owner = $2 RETURNING id, user_id)
       INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
       SELECT id, user_id, 'RETRY_SCHEDULED', $5, $6 FROM retry
       RETURNING scheduled_email_id`,
      [row.id, this.workerId, sendAt, detail, row.attempts, `${detail} — next try ${sendAt.toISOString()}`],
    );
    if (retried.length) await this.queue.apply([{ id: row.id, status: EmailStatus.PENDING, sendAt }]);
    return EmailStatus.PENDING;
  }

  /** Ends a claimed row in `status`, only while this worker still holds it; the event in the same statement. */
  private async finish(
    row: ClaimedEmail,
    status: EmailStatus,
    fields: { lastError?: string; cancelReason?: string },
    event: string,
    detail: string | null = null,
  ): Promise<SendOutcome> {
    await this.ds.query(
      `WITH done AS (
         UPDATE scheduled_emails SET status = $3, last_error = coalesce($4, last_error),
           cancel_reason = coalesce($5, cancel_reason), lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND status = 'SENDING' AND lease_owner = $2 RETURNING id, user_id)
       INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
       SELECT id, user_id, $6, $7, $8 FROM done`,
      [
        row.id,
        this.workerId,
        status,
        fields.lastError ?? null,
        fields.cancelReason ?? null,
        event,
        row.attempts,
        detail ?? fields.lastError ?? null,
      ],
    );
    return status;
  }
}

/** The columns of a claimed row the sender works with. */
type ClaimedEmail = Renderable & Pick<ScheduledEmail, 'id' | 'attempts'>;

interface ClaimedRow {
  id: string;
  user_id: string;
  meeting_id: string | null;
  contact_id: string | null;
  kind: EmailKind;
  to_email: string;
  to_name: string | null;
  subject_override: string | null;
  body_override: string | null;
  message_id: string;
  attempts: number;
}

const PG_DEADLOCK_DETECTED = '40P01';

/** The three per-email statements run over arrays of ids of any length (see PreparedOptions). */
const GENERIC_PLAN = { genericPlan: true };

/**
 * One statement of a kind in flight per worker, for up to 200 emails: what arrives meanwhile goes
 * in the next. Each statement costs PostgreSQL a fixed ~0.3 ms of CPU besides its rows, so the
 * fewer the better. Under load (the last batch carried more than one email) the next batch waits
 * a few ms more for others to join: 2 ms for claims, which is when an email counts as started,
 * 5 ms for the other two. At a trickle nothing waits. Measured in docs/benchmarks.md.
 */
const BATCHING = { maxBatch: 200, maxInFlight: 1, lingerMs: 5 };
const CLAIM_BATCHING = { ...BATCHING, lingerMs: 2 };

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

const CLAIM = `
WITH claimed AS (
  UPDATE scheduled_emails
  SET status = 'SENDING', lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
      attempts = attempts + 1, smtp_started_at = NULL, updated_at = now()
  WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND send_at <= now()
  RETURNING id, user_id, meeting_id, contact_id, kind, to_email, to_name, subject_override, body_override,
            message_id, attempts
), event AS (
  INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
  SELECT id, user_id, 'CLAIMED', attempts, $2 FROM claimed
)
${emailDataSelect(
  `claimed CROSS JOIN LATERAL (
     SELECT claimed.user_id, claimed.meeting_id, claimed.contact_id, claimed.contact_id IS NULL AS meeting_contact,
            claimed.kind, CASE WHEN claimed.kind = ANY($4::email_kind[]) THEN lower(claimed.to_email COLLATE "C") COLLATE "default" END AS suppression_of
   ) AS k`,
  'claimed.*,',
)}`;

const START = `UPDATE scheduled_emails s SET smtp_started_at = now(), subject = v.subject
   FROM unnest($1::uuid[], $2::text[]) AS v(id, subject)
   WHERE s.id = ANY($1::uuid[]) AND s.id = v.id AND s.lease_owner = $3 AND s.status = 'SENDING'
   RETURNING s.id`;

const SENT = `WITH v AS (
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::uuid[])
       AS v(id, user_id, attempt, response, contact_id)
   ), marked AS (
     UPDATE scheduled_emails s
     SET status = 'SENT', sent_at = now(), smtp_response = v.response, last_error = NULL, lease_owner = NULL,
         lease_expires_at = NULL, updated_at = now()
     FROM v
     WHERE s.id = ANY($1::uuid[]) AND s.id = v.id
       AND ((s.status = 'SENDING' AND s.lease_owner = $6) OR s.status = 'UNCERTAIN')
     RETURNING s.id
   ), event AS (
     INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
     SELECT id, user_id, 'SENT', attempt, response FROM v
   ), touched AS (
     -- An email to the contact is an interaction: the keep-in-touch clock restarts. Rows are
     -- locked in id order, so two batches touching the same contacts cannot deadlock.
     UPDATE contacts c SET last_contacted_at = greatest(coalesce(c.last_contacted_at, '-infinity'), now())
     FROM (SELECT id FROM contacts WHERE id = ANY($5::uuid[]) ORDER BY id FOR UPDATE) AS locked
     WHERE c.id = locked.id
   )
   SELECT id FROM marked`;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
