import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The weekly digest: a reminder kind (WEEKLY_DIGEST) and the ISO weekday the user chose for it
 * (1 = Monday … 7 = Sunday); null, the default, until they ask for it.
 */
export class AddWeeklyDigest1795305600111 implements MigrationInterface {
  name = 'AddWeeklyDigest1795305600111';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS 'WEEKLY_DIGEST'`);
    await q.query(`ALTER TABLE "users" ADD "weekly_digest_weekday" smallint`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "weekly_digest_weekday"`);
    // Postgres cannot drop an enum value: rebuild the type without it, keeping every other value.
    await q.query(`DELETE FROM "scheduled_emails" WHERE "kind" = 'WEEKLY_DIGEST'`);
    await q.query(`DELETE FROM "email_templates" WHERE "kind" = 'WEEKLY_DIGEST'`);
    await q.query(
      `UPDATE "users" SET "disabled_reminders" = array_remove("disabled_reminders"::text[], 'WEEKLY_DIGEST')::"email_kind"[]`,
    );
    const values: { v: string }[] = await q.query(
      `SELECT e.enumlabel AS v FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
        WHERE t.typname = 'email_kind' AND e.enumlabel <> 'WEEKLY_DIGEST' ORDER BY e.enumsortorder`,
    );
    await q.query(`ALTER TYPE "email_kind" RENAME TO "email_kind_old"`);
    await q.query(`CREATE TYPE "email_kind" AS ENUM (${values.map(({ v }) => `'${v}'`).join(', ')})`);
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
