import type { DataSource, EntityManager } from 'typeorm';
import { EmailStatus } from './email-kind';
import type { SuppressionReason } from './email-suppression.entity';

/** Addresses Rapport must never mail again (opted out or hard-bounced), across every user. */
export class SuppressionService {
  constructor(private readonly ds: DataSource) {}

  async isSuppressed(email: string, manager: EntityManager = this.ds.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM email_suppressions WHERE email = $1', [
      normalize(email),
    ]);
    return rows.length > 0;
  }

  /**
   * Records the address as suppressed, marks every user's contact with that address as opted
   * out, and turns every PENDING email to it (reminders to a user too) into SUPPRESSED (with an event).
   * Idempotent. Returns the ids of the scheduled emails it suppressed, whose queue jobs the caller
   * should remove (the worker would skip them anyway).
   */
  async suppress(
    email: string,
    reason: SuppressionReason,
    detail: string | null = null,
    manager: EntityManager = this.ds.manager,
  ): Promise<string[]> {
    // One statement, so one transaction: data-modifying CTEs all run to completion whether or not
    // the final SELECT reads them. Rows being SENDING are left to the worker, which re-checks
    // the suppression list before it talks to SMTP. Contacts store addresses lower-cased
    // (see ContactService); lower() also covers rows written before that rule.
    const rows: { id: string }[] = await manager.query(
      `WITH suppression AS (
         INSERT INTO email_suppressions (email, reason, detail) VALUES ($1, $2::text::suppression_reason, $3)
         ON CONFLICT (email) DO NOTHING
       ), opted_out AS (
         UPDATE contacts SET email_opt_out = true, updated_at = now()
         WHERE lower(email) = $1 AND NOT email_opt_out
       ), suppressed AS (
         UPDATE scheduled_emails SET status = $4::email_status, updated_at = now()
         WHERE lower(to_email) = $1 AND status = $5::email_status
         RETURNING id, user_id, attempts
       ), events AS (
         INSERT INTO email_events (user_id, scheduled_email_id, event, attempt, detail)
         SELECT user_id, id, 'SUPPRESSED', attempts, $2::text FROM suppressed
       )
       SELECT id FROM suppressed`,
      [normalize(email), reason, detail, EmailStatus.SUPPRESSED, EmailStatus.PENDING],
    );
    return rows.map((r) => r.id);
  }
}

function normalize(email: string): string {
  return email.trim().toLowerCase();
}
