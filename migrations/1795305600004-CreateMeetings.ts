import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMeetings1795305600004 implements MigrationInterface {
  name = 'CreateMeetings1795305600004';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "meeting_status" AS ENUM ('SCHEDULED', 'COMPLETED', 'CANCELLED', 'NO_SHOW')`);
    await q.query(`
      CREATE TABLE "meetings" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "contact_id" uuid,
        "contact_name" text NOT NULL,
        "organisation_id" uuid,
        "title" text NOT NULL,
        "starts_at" timestamptz NOT NULL,
        "ends_at" timestamptz NOT NULL,
        "timezone" text NOT NULL,
        "location" text,
        "video_url" text,
        "status" "meeting_status" NOT NULL DEFAULT 'SCHEDULED',
        "allow_overlap" boolean NOT NULL DEFAULT false,
        "send_thank_you" boolean NOT NULL DEFAULT true,
        "send_follow_up" boolean NOT NULL DEFAULT true,
        "notes" text,
        "cancel_reason" text,
        "closed_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "meetings_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "meetings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "meetings_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON DELETE SET NULL,
        CONSTRAINT "meetings_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE SET NULL
      )`);
    // Pages of a user's meetings by time, and the overlap check, read this index.
    await q.query(`CREATE INDEX "meetings_user_id_starts_at_idx" ON "meetings" ("user_id", "starts_at", "id")`);
    await q.query(`CREATE INDEX "meetings_contact_id_idx" ON "meetings" ("contact_id")`);
    await q.query(`CREATE INDEX "meetings_organisation_id_idx" ON "meetings" ("organisation_id")`);

    await q.query(`
      CREATE TABLE "meeting_agenda_items" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "meeting_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "question_id" uuid,
        "category" "topic" NOT NULL,
        "text" text NOT NULL,
        "answer" text,
        CONSTRAINT "meeting_agenda_items_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "meeting_agenda_items_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings" ("id") ON DELETE CASCADE,
        CONSTRAINT "meeting_agenda_items_question_id_fkey" FOREIGN KEY ("question_id") REFERENCES "questions" ("id") ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE INDEX "meeting_agenda_items_meeting_id_position_idx" ON "meeting_agenda_items" ("meeting_id", "position")`,
    );
    await q.query(`CREATE INDEX "meeting_agenda_items_question_id_idx" ON "meeting_agenda_items" ("question_id")`);

    await q.query(`
      CREATE TABLE "insights" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "meeting_id" uuid NOT NULL,
        "organisation_id" uuid,
        "contact_id" uuid,
        "category" "topic" NOT NULL,
        "text" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "insights_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "insights_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings" ("id") ON DELETE CASCADE,
        CONSTRAINT "insights_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE SET NULL,
        CONSTRAINT "insights_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX "insights_meeting_id_idx" ON "insights" ("meeting_id")`);
    await q.query(`CREATE INDEX "insights_organisation_id_idx" ON "insights" ("organisation_id")`);
    await q.query(`CREATE INDEX "insights_contact_id_idx" ON "insights" ("contact_id")`);

    await q.query(`CREATE TYPE "commitment_owner" AS ENUM ('ME', 'CONTACT')`);
    await q.query(`
      CREATE TABLE "commitments" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "meeting_id" uuid NOT NULL,
        "contact_id" uuid,
        "owner" "commitment_owner" NOT NULL,
        "description" text NOT NULL,
        "due_on" date,
        "done_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "commitments_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "commitments_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings" ("id") ON DELETE CASCADE,
        CONSTRAINT "commitments_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX "commitments_meeting_id_idx" ON "commitments" ("meeting_id")`);
    await q.query(`CREATE INDEX "commitments_contact_id_idx" ON "commitments" ("contact_id")`);

    await q.query(`
      CREATE TABLE "job_leads" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "meeting_id" uuid NOT NULL,
        "organisation_id" uuid,
        "contact_id" uuid,
        "title" text NOT NULL,
        "url" text,
        "notes" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "job_leads_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "job_leads_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings" ("id") ON DELETE CASCADE,
        CONSTRAINT "job_leads_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE SET NULL,
        CONSTRAINT "job_leads_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON DELETE SET NULL
      )`);
    await q.query(`CREATE INDEX "job_leads_meeting_id_idx" ON "job_leads" ("meeting_id")`);
    await q.query(`CREATE INDEX "job_leads_organisation_id_idx" ON "job_leads" ("organisation_id")`);
    await q.query(`CREATE INDEX "job_leads_contact_id_idx" ON "job_leads" ("contact_id")`);

    // Contacts added as referrals in a debrief remember the meeting they came from.
    await q.query(`ALTER TABLE "contacts" ADD "source_meeting_id" uuid
      CONSTRAINT "contacts_source_meeting_id_fkey" REFERENCES "meetings" ("id") ON DELETE SET NULL`);
    await q.query(`CREATE INDEX "contacts_source_meeting_id_idx" ON "contacts" ("source_meeting_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "contacts" DROP COLUMN "source_meeting_id"`);
    await q.query(`DROP TABLE "job_leads"`);
    await q.query(`DROP TABLE "commitments"`);
    await q.query(`DROP TYPE "commitment_owner"`);
    await q.query(`DROP TABLE "insights"`);
    await q.query(`DROP TABLE "meeting_agenda_items"`);
    await q.query(`DROP TABLE "meetings"`);
    await q.query(`DROP TYPE "meeting_status"`);
  }
}
