import type { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS = ['COMMITMENT_DUE', 'JOB_LEAD_DEADLINE'];

/**
 * Reminders to the user on the day a promise is due (COMMITMENT_DUE) or a lead's deadline falls
 * (JOB_LEAD_DEADLINE), and the partial indexes their planner starts from.
 */
export class AddPromiseAndDeadlineReminders1795305600121 implements MigrationInterface {
  name = 'AddPromiseAndDeadlineReminders1795305600121';

  public async up(q: QueryRunner): Promise<void> {
    for (const kind of KINDS) await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS '${kind}'`);
    // The reminder planner starts from what can be due (due-reminders.ts), not from every user.
    await q.query(
      `CREATE INDEX "commitments_open_due_on_idx" ON "commitments" ("due_on") WHERE "owner" = 'ME' AND "done_at" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "job_leads_open_deadline_idx" ON "job_leads" ("deadline") WHERE "status" IN ('INTERESTED', 'APPLIED', 'INTERVIEWING', 'OFFER')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "job_leads_open_deadline_idx"`);
    await q.query(`DROP INDEX "commitments_open_due_on_idx"`);
    // Postgres cannot drop an enum value: rebuild the type with every value but these (read from
    // the type itself, so values other migrations added are kept whatever order they ran in).
    const rows: { value: string }[] = await q.query(`SELECT unnest(enum_range(NULL::email_kind))::text AS value`);
    const keep = rows.map((r) => r.value).filter((v) => !KINDS.includes(v));
    await q.query(`DELETE FROM "scheduled_emails" WHERE "kind"::text = ANY($1)`, [KINDS]);
    await q.query(`DELETE FROM "email_templates" WHERE "kind"::text = ANY($1)`, [KINDS]);
    await q.query(
      `UPDATE "users" SET "disabled_reminders" = array_remove(array_remove("disabled_reminders"::text[], 'COMMITMENT_DUE'), 'JOB_LEAD_DEADLINE')::"email_kind"[]`,
    );
    await q.query(`ALTER TYPE "email_kind" RENAME TO "email_kind_old"`);
    await q.query(`CREATE TYPE "email_kind" AS ENUM (${keep.map((v) => `'${v}'`).join(', ')})`);
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
