import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Working hours for suggestMeetingSlots: a local start and end (minutes after midnight, like the
 * sending window) and the ISO weekdays worked (1 = Monday … 7 = Sunday). Defaults 09:00–17:00,
 * Monday to Friday.
 */
export class AddWorkingHours1795305600110 implements MigrationInterface {
  name = 'AddWorkingHours1795305600110';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "working_hours_start_minute" smallint NOT NULL DEFAULT 540`);
    await q.query(`ALTER TABLE "users" ADD "working_hours_end_minute" smallint NOT NULL DEFAULT 1020`);
    await q.query(`ALTER TABLE "users" ADD "working_days" smallint array NOT NULL DEFAULT '{1,2,3,4,5}'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "working_days"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "working_hours_end_minute"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "working_hours_start_minute"`);
  }
}
