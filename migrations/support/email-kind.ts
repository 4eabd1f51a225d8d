import type { QueryRunner } from 'typeorm';

/**
 * Takes values out of the `email_kind` type (a migration's down): PostgreSQL cannot drop an enum
 * value, so the rows and settings that use them go, and the type is rebuilt with every other
 * value it has — read from the type itself, so kinds other migrations added are kept whatever
 * order they ran in. Not a migration (the migrations folder's own files are; this one is below).
 */
export async function dropEmailKinds(q: QueryRunner, kinds: string[]): Promise<void> {
  const rows: { value: string }[] = await q.query(`SELECT unnest(enum_range(NULL::email_kind))::text AS value`);
  const keep = rows.map((r) => r.value).filter((v) => !kinds.includes(v));
  await q.query(`DELETE FROM "scheduled_emails" WHERE "kind"::text = ANY($1)`, [kinds]);
  await q.query(`DELETE FROM "email_templates" WHERE "kind"::text = ANY($1)`, [kinds]);
  await q.query(
    `UPDATE "users" SET "disabled_reminders" = ARRAY(
       SELECT k FROM unnest("disabled_reminders"::text[]) k WHERE k <> ALL($1))::"email_kind"[]`,
    [kinds],
  );
  await q.query(`ALTER TYPE "email_kind" RENAME TO "email_kind_old"`);
  await q.query(`CREATE TYPE "email_kind" AS ENUM (${keep.map((v) => `'${v}'`).join(', ')})`);
  // The hold trigger reads "kind": it is set aside while the column changes type.
  await q.query(`ALTER TABLE "scheduled_emails" DISABLE TRIGGER "scheduled_emails_hold_unverified"`);
  await q.query(
    `ALTER TABLE "scheduled_emails" ALTER COLUMN "kind" TYPE "email_kind" USING "kind"::text::"email_kind"`,
  );
  await q.query(`ALTER TABLE "scheduled_emails" ENABLE TRIGGER "scheduled_emails_hold_unverified"`);
  await q.query(`ALTER TABLE "email_templates" ALTER COLUMN "kind" TYPE "email_kind" USING "kind"::text::"email_kind"`);
  await q.query(`ALTER TABLE "users" ALTER COLUMN "disabled_reminders" DROP DEFAULT`);
  await q.query(
    `ALTER TABLE "users" ALTER COLUMN "disabled_reminders" TYPE "email_kind"[] USING "disabled_reminders"::text[]::"email_kind"[]`,
  );
  await q.query(`ALTER TABLE "users" ALTER COLUMN "disabled_reminders" SET DEFAULT '{}'`);
  await q.query(`DROP TYPE "email_kind_old"`);
}
