import { UnrecoverableError } from 'bullmq';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics/metrics';
import { HeaderInjectionError, SendWithdrawnError, type Mailer } from '../../core/mail/mailer';
import { AccountTokenPurpose } from '../auth/account-token.entity';
import { mintAccountToken, registrationAttemptOf } from '../auth/account-tokens';
import { EmailClaims, type ClaimedEmail } from './email-claims';
import type { EmailData } from './email-context';
import type { EmailComposer } from './email-composer';
import { EmailKind } from './email-kind';
import type { EmailQueue } from './email-queue';
import { decideSend } from './send-policy';
import { SendOutcomes, type SendOutcome } from './send-outcomes';
import type { SuppressionService } from './suppression.service';

/**
 * Sends one outbox row. Safe to run any number of times for the same row, from any number of
 * workers: only the worker whose conditional UPDATE claims the row talks to SMTP. The steps:
 * claim (email-claims.ts), re-check (send-policy.ts), render, hand to SMTP, record (send-outcomes.ts).
 */
export class EmailSender {
  private readonly claims: EmailClaims;
  private readonly outcomes: SendOutcomes;
  private stopping = false;

  constructor(
    private readonly ds: DataSource,
    private readonly mailer: Mailer,
    private readonly composer: EmailComposer,
    queue: EmailQueue,
    suppressions: SuppressionService,
    private readonly config: Config,
    logger: Logger,
    /** Identifies this worker in leases, e.g. `hostname:pid`. */
    workerId: string,
    /** Connections for the per-email statements, on their generic plans (createGenericPlanPool). */
    genericPlans: Pool,
    /** Where each send's outcome is counted, by kind. */
    private readonly metrics?: Metrics,
  ) {
    this.claims = new EmailClaims(ds, config, workerId, (row) => composer.dataOptions(row), genericPlans);
    this.outcomes = new SendOutcomes(ds, this.claims, queue, suppressions, config, logger);
  }

  async send(id: string): Promise<SendOutcome> {
    const claimed = await this.claims.claim(id);
    if (!claimed) {
      this.metrics?.emailsProcessed.inc({ kind: 'unknown', outcome: 'NOT_DUE' });
      return 'NOT_DUE';
    }
    // Renewed while this job works on it, however long it waits for a connection.
    this.claims.hold(claimed.row);
    try {
      const outcome = await this.sendClaimed(claimed.row, claimed.data);
      this.metrics?.emailsProcessed.inc({ kind: claimed.row.kind, outcome });
      return outcome;
    } finally {
      this.claims.release(claimed.row);
    }
  }

  /**
   * The process is shutting down: sends already handed to SMTP finish, the ones still waiting for a
   * connection give their rows back (PENDING, with a timer) instead of holding the shutdown.
   */
  stop(): void {
    this.stopping = true;
  }

  /** Stops renewing leases; call once the jobs have finished or been abandoned. */
  close(): void {
    this.claims.close();
  }

  private async sendClaimed(row: ClaimedEmail, data: EmailData): Promise<SendOutcome> {
    // What may have changed since the email was planned, as read with the claim.
    const decision = decideSend({
      kind: row.kind,
      meetingId: row.meetingId,
      contactId: row.contactId,
      toEmail: row.toEmail,
      facts: data.facts,
      dueContacts: data.ctx?.digest?.length ?? null,
      dueItems: (data.ctx?.promises?.length ?? 0) + (data.ctx?.deadlines?.length ?? 0),
    });
    if (!decision.send) return this.outcomes.skipped(row, decision);
    const action = ACCOUNT_ACTIONS[row.kind];
    if (action && data.ctx) {
      // Minted now, for this message only: the plain token is in no table, list or preview, and
      // only its hash is stored. A retry mints another; each works until one of them is used.
      const { token } = await mintAccountToken(this.ds.manager, {
        userId: row.userId,
        purpose: action.purpose,
        email: row.toEmail,
        // A link sent for a registration attempt applies that attempt's choices, and no other's.
        registrationAttemptId:
          row.kind === EmailKind.EMAIL_VERIFICATION ? await registrationAttemptOf(this.ds.manager, row.id) : null,
      });
      data.ctx.actionUrl = `${this.config.http.publicUrl}${action.path}?token=${encodeURIComponent(token)}`;
    }

    let composed;
    try {
      composed = this.composer.build(row, data);
    } catch (err) {
      await this.outcomes.renderFailed(row, err);
      // Retrying cannot fix a template that does not render.
      throw new UnrecoverableError(`render failed for scheduled email ${row.id}`);
    }
    if (!composed) return this.outcomes.gone(row);

    let result;
    try {
      // SMTP starts when the server asks for the message data (after its reply to DATA), not
      // before: a send waiting for a slot, a connection or the envelope's replies has not started.
      // From then on a lost lease means "maybe delivered": the reconciler marks it UNCERTAIN, never
      // re-sends.
      result = await this.mailer.send(composed.mail, () =>
        this.stopping ? Promise.resolve(false) : this.claims.start(row, composed.rendered.subject),
      );
    } catch (err) {
      // Withdrawn: the process is stopping (the row goes back), or another claim holds the row now
      // (or it moved on). Either way nothing of this one reached SMTP.
      if (err instanceof SendWithdrawnError) return this.stopping ? this.outcomes.released(row) : 'NOT_DUE';
      if (err instanceof HeaderInjectionError) {
        await this.outcomes.refused(row, err);
        throw new UnrecoverableError(err.message);
      }
      return this.outcomes.failed(row, err);
    }
    // Outside the try: the server has the message, so failing to record it must never count as
    // a failed send (which would plan a retry, and a second copy). The row keeps its lease and its
    // smtp_started_at, and becomes UNCERTAIN if it cannot be marked SENT.
    return this.outcomes.sent(row, result.response);
  }
}

/**
 * The account emails whose link carries a token, and the page it opens: each page asks before it
 * acts (a GET changes nothing, as mail scanners fetch links).
 */
export const ACCOUNT_ACTIONS: Partial<Record<EmailKind, { purpose: AccountTokenPurpose; path: string }>> = {
  [EmailKind.EMAIL_VERIFICATION]: { purpose: AccountTokenPurpose.VERIFY_EMAIL, path: '/verify-email' },
  [EmailKind.PASSWORD_RESET]: { purpose: AccountTokenPurpose.RESET_PASSWORD, path: '/reset-password' },
};
