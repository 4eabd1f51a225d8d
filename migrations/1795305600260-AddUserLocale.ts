import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The locale (BCP 47) every date and time in a user's emails is written in. Every existing
 * account keeps the format it had (en-GB); a registration attempt keeps the one its caller chose
 * until its link is used, like the time zone.
 */
export class AddUserLocale1795305600260 implements MigrationInterface {
  name = 'AddUserLocale1795305600260';

  public async up(q: QueryRunner): Promise<void> {
    // Checked (a tag Intl supports, 64 characters at most) and canonicalised where it is written.
    await q.query(`ALTER TABLE "users" ADD COLUMN "locale" text NOT NULL DEFAULT 'en-GB'`);
    await q.query(`ALTER TABLE "registration_attempts" ADD COLUMN "locale" text NOT NULL DEFAULT 'en-GB'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "registration_attempts" DROP COLUMN "locale"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "locale"`);
  }
}
