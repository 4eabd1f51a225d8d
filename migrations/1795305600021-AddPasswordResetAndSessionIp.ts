import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PASSWORD_RESET account email, and the IP address each refresh token was issued to (shown
 * with the user's sessions).
 */
export class AddPasswordResetAndSessionIp1795305600021 implements MigrationInterface {
  name = 'AddPasswordResetAndSessionIp1795305600021';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS 'PASSWORD_RESET'`);
    await q.query(`ALTER TABLE "refresh_tokens" ADD "ip" text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "ip"`);
    // Postgres cannot drop an enum value: rebuild the type without it.
    await q.query(`DELETE FROM "scheduled_emails" WHERE "kind" = 'PASSWORD_RESET'`);
    await q.query(`DELETE FROM "email_templates" WHERE "kind" = 'PASSWORD_RESET'`);
    await q.query(`ALTER TYPE "email_kind" RENAME TO "email_kind_old"`);
    await q.query(`CREATE TYPE "email_kind" AS ENUM
      ('PREP_REMINDER', 'THANK_YOU', 'FOLLOW_UP', 'KEEP_IN_TOUCH_DIGEST', 'OUTREACH', 'OUTREACH_NUDGE',
       'MEETING_CANCELLED', 'MEETING_UPDATED', 'EMAIL_VERIFICATION')`);
    // The trigger reads "kind": it is set aside while the column changes type.
    await q.query(`ALTER TABLE "scheduled_emails" DISABLE TRIGGER "scheduled_emails_hold_unverified"`);
    await q.query(
      `ALTER TABLE "scheduled_emails" ALTER COLUMN "kind" TYPE "email_kind" USING "kind"::text::"email_kind"`,
    );
    await q.query(`ALTER TABLE "scheduled_emails" ENABLE TRIGGER "scheduled_emails_hold_unverified"`);
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
