import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The columns whose change stamps `updated_at`: all but `id` (never changes) and the worker's lease
 * bookkeeping (`lease_owner`, `lease_expires_at`, `smtp_started_at`), which no client sees
 * (docs/clients.md § Offline sync). A column added later is added here by its migration
 * (recreating the trigger); test/sync/scheduled-email-stamps.test.ts fails until it is. Compared
 * as a row of columns: 9 µs per updated row, against 44 µs for the same test on `to_jsonb(OLD)`.
 */
const STAMPED = [
  'user_id',
  'meeting_id',
  'contact_id',
  'kind',
  'dedupe_key',
  'to_email',
  'to_name',
  'subject',
  'subject_override',
  'body_override',
  'send_at',
  'status',
  'attempts',
  'last_error',
  'sent_at',
  'message_id',
  'smtp_response',
  'cancel_reason',
  'created_at',
  'held_reason',
];
const row = (alias: 'OLD' | 'NEW') => `(${STAMPED.map((c) => `${alias}."${c}"`).join(', ')})`;

/**
 * Cheaper status changes for the email pipeline (docs/benchmarks.md § Email pipeline):
 *
 * - The `(status, send_at)` index held every row ever planned, and took a new entry on every
 *   status change. Only open rows are searched by status (the reconciler, the overdue gauges and
 *   queue health, the admin list's default); the index now holds those alone, so a row marked
 *   SENT, CANCELLED or SUPPRESSED adds nothing to it, and it stays as small as the backlog.
 * - `updated_at` (indexed for sync) was stamped by every update, so even a write of the lease
 *   alone — "SMTP started", a lease renewal — changed an indexed column and could not be a HOT
 *   update. It is stamped now when anything but that bookkeeping changes: those writes become
 *   HOT (no index touched) when the page has room, which a fillfactor of 85 leaves.
 */
export class HotEmailStatusUpdates1795305600360 implements MigrationInterface {
  name = 'HotEmailStatusUpdates1795305600360';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "scheduled_emails_open_status_send_at_idx" ON "scheduled_emails" ("status", "send_at")
       WHERE "status" IN ('PENDING', 'SENDING', 'UNCERTAIN', 'FAILED')`,
    );
    await q.query(`DROP INDEX "scheduled_emails_status_send_at_idx"`);
    await q.query(`ALTER TABLE "scheduled_emails" SET (fillfactor = 85)`);
    await q.query(`DROP TRIGGER "scheduled_emails_touch_updated_at" ON "scheduled_emails"`);
    await q.query(`
      CREATE TRIGGER "scheduled_emails_touch_updated_at" BEFORE UPDATE ON "scheduled_emails"
      FOR EACH ROW WHEN (${row('OLD')} IS DISTINCT FROM ${row('NEW')})
      EXECUTE FUNCTION sync_touch_updated_at()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "scheduled_emails_touch_updated_at" ON "scheduled_emails"`);
    await q.query(`
      CREATE TRIGGER "scheduled_emails_touch_updated_at" BEFORE UPDATE ON "scheduled_emails"
      FOR EACH ROW EXECUTE FUNCTION sync_touch_updated_at()`);
    await q.query(`ALTER TABLE "scheduled_emails" RESET (fillfactor)`);
    await q.query(`CREATE INDEX "scheduled_emails_status_send_at_idx" ON "scheduled_emails" ("status", "send_at")`);
    await q.query(`DROP INDEX "scheduled_emails_open_status_send_at_idx"`);
  }
}
