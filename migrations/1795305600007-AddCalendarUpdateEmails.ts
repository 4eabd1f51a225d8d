import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two new email kinds that keep the user's calendar right once a meeting's invitation went out:
 * MEETING_UPDATED (it moved) and MEETING_CANCELLED (it is off).
 */
export class AddCalendarUpdateEmails1795305600007 implements MigrationInterface {
  name = 'AddCalendarUpdateEmails1795305600007';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS 'MEETING_CANCELLED'`);
    await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS 'MEETING_UPDATED'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // Postgres cannot drop an enum value: rebuild the type without it.
    await q.query(`DELETE FROM "scheduled_emails" WHERE "kind" = 'MEETING_CANCELLED'`);
    await q.query(`DELETE FROM "email_templates" WHERE "kind" = 'MEETING_CANCELLED'`);
    await q.query(
      `UPDATE "users" SET "disabled_reminders" = array_remove("disabled_reminders"::text[], 'MEETING_CANCELLED')::"email_kind"[]`,
    );
    await q.query(`ALTER TYPE "email_kind" RENAME TO "email_kind_old"`);
    await q.query(`CREATE TYPE "email_kind" AS ENUM
      ('PREP_REMINDER', 'THANK_YOU', 'FOLLOW_UP', 'KEEP_IN_TOUCH_DIGEST', 'OUTREACH', 'OUTREACH_NUDGE')`);
    await q.query(
      `ALTER TABLE "scheduled_emails" ALTER COLUMN "kind" TYPE "email_kind" USING "kind"::text::"email_kind"`,
    );
    await q.query(
      `ALTER TABLE "email_templates" ALTER COLUMN "kind" TYPE "email_kind" USING "kind"::text::"email_kind"`,
    );
    await q.query(`ALTER TABLE "users" ALTER COLUMN "disabled_reminders" DROP DEFAULT`);
    await q.query(
      `ALTER TABLE "users" ALTER COLUMN "disabled_reminders" TYPE "email_kind"[] USING "disabled_reminders"::text[]::"email_kind"[]`,
    );
    await q.query(`ALTER TABLE "users" ALTER COLUMN "disabled_reminders" SET DEFAULT '{}'`);
    await q.query(`DROP TYPE "email_kind_old"`);
  }
}
