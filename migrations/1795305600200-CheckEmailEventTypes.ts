import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `email_events.event` holds only the steps the API's `EmailEventType` enum lists: a writer
 * with a new step name fails in the tests instead of reaching clients as an unknown enum value.
 * Added NOT VALID, then validated: the check of existing rows does not block writes.
 */
export class CheckEmailEventTypes1795305600200 implements MigrationInterface {
  name = 'CheckEmailEventTypes1795305600200';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "email_events" ADD CONSTRAINT "email_events_event_check" CHECK ("event" IN (
        'PLANNED', 'REPLANNED', 'MOVED', 'EDITED', 'SEND_NOW', 'HELD', 'UNHELD', 'CLAIMED', 'SENT',
        'RETRY_SCHEDULED', 'RELEASED', 'RETRIED', 'FAILED', 'UNCERTAIN', 'SUPPRESSED', 'CANCELLED'
      )) NOT VALID`);
    await q.query(`ALTER TABLE "email_events" VALIDATE CONSTRAINT "email_events_event_check"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "email_events" DROP CONSTRAINT "email_events_event_check"`);
  }
}
