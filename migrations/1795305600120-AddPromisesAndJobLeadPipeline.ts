import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Promises and job leads live outside debriefs too (their meeting becomes optional); job leads
 * gain a status pipeline with its history, a deadline and the contact who referred them.
 */
export class AddPromisesAndJobLeadPipeline1795305600120 implements MigrationInterface {
  name = 'AddPromisesAndJobLeadPipeline1795305600120';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "commitments" ALTER COLUMN "meeting_id" DROP NOT NULL`);
    await q.query(`ALTER TABLE "job_leads" ALTER COLUMN "meeting_id" DROP NOT NULL`);
    await q.query(
      `CREATE TYPE "job_lead_status" AS ENUM ('INTERESTED', 'APPLIED', 'INTERVIEWING', 'OFFER', 'ACCEPTED', 'REJECTED', 'WITHDRAWN')`,
    );
    await q.query(`ALTER TABLE "job_leads"
      ADD "status" "job_lead_status" NOT NULL DEFAULT 'INTERESTED',
      ADD "status_changed_at" timestamptz,
      ADD "status_history" jsonb,
      ADD "deadline" date,
      ADD "referred_by_id" uuid CONSTRAINT "job_leads_referred_by_id_fkey" REFERENCES "contacts" ("id") ON DELETE SET NULL`);
    // Existing leads entered the pipeline when they were recorded.
    await q.query(`UPDATE "job_leads" SET "status_changed_at" = "created_at",
      "status_history" = jsonb_build_array(jsonb_build_object('status', 'INTERESTED', 'at', to_char("created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))`);
    await q.query(`ALTER TABLE "job_leads"
      ALTER COLUMN "status_changed_at" SET NOT NULL, ALTER COLUMN "status_changed_at" SET DEFAULT now(),
      ALTER COLUMN "status_history" SET NOT NULL`);
    await q.query(`CREATE INDEX "job_leads_referred_by_id_idx" ON "job_leads" ("referred_by_id")`);
    // The list's orders: soonest deadline first (undated last), and newest first.
    await q.query(
      `CREATE INDEX "job_leads_user_id_deadline_idx" ON "job_leads" ("user_id", (coalesce("deadline", 'infinity'::date)), "id")`,
    );
    await q.query(`CREATE INDEX "job_leads_user_id_created_at_idx" ON "job_leads" ("user_id", "created_at", "id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "job_leads_user_id_created_at_idx"`);
    await q.query(`DROP INDEX "job_leads_user_id_deadline_idx"`);
    await q.query(`ALTER TABLE "job_leads" DROP COLUMN "referred_by_id", DROP COLUMN "deadline",
      DROP COLUMN "status_history", DROP COLUMN "status_changed_at", DROP COLUMN "status"`);
    await q.query(`DROP TYPE "job_lead_status"`);
    // Rows made outside a meeting have no place in the older schema.
    await q.query(`DELETE FROM "job_leads" WHERE "meeting_id" IS NULL`);
    await q.query(`DELETE FROM "commitments" WHERE "meeting_id" IS NULL`);
    await q.query(`ALTER TABLE "job_leads" ALTER COLUMN "meeting_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "commitments" ALTER COLUMN "meeting_id" SET NOT NULL`);
  }
}
