import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEmailOutbox1795305600005 implements MigrationInterface {
  name = 'CreateEmailOutbox1795305600005';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "email_kind" AS ENUM
      ('PREP_REMINDER', 'THANK_YOU', 'FOLLOW_UP', 'KEEP_IN_TOUCH_DIGEST', 'OUTREACH', 'OUTREACH_NUDGE')`);
    await q.query(`CREATE TYPE "email_status" AS ENUM
      ('PENDING', 'SENDING', 'SENT', 'CANCELLED', 'FAILED', 'SUPPRESSED', 'UNCERTAIN')`);
    await q.query(`
      CREATE TABLE "scheduled_emails" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "meeting_id" uuid,
        "contact_id" uuid,
        "kind" "email_kind" NOT NULL,
        "dedupe_key" text NOT NULL,
        "to_email" text NOT NULL,
        "to_name" text,
        "subject" text NOT NULL,
        "subject_override" text,
        "body_override" text,
        "send_at" timestamptz NOT NULL,
        "status" "email_status" NOT NULL DEFAULT 'PENDING',
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "lease_owner" text,
        "lease_expires_at" timestamptz,
        "smtp_started_at" timestamptz,
        "sent_at" timestamptz,
        "message_id" text NOT NULL,
        "smtp_response" text,
        "cancel_reason" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "scheduled_emails_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "scheduled_emails_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "scheduled_emails_meeting_id_fkey" FOREIGN KEY ("meeting_id") REFERENCES "meetings" ("id") ON DELETE CASCADE,
        CONSTRAINT "scheduled_emails_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts" ("id") ON DELETE SET NULL
      )`);
    // Planning the same email twice hits this key instead of creating a second row.
    await q.query(
      `CREATE UNIQUE INDEX "scheduled_emails_user_id_dedupe_key_key" ON "scheduled_emails" ("user_id", "dedupe_key")`,
    );
    await q.query(`CREATE UNIQUE INDEX "scheduled_emails_message_id_key" ON "scheduled_emails" ("message_id")`);
    // The reconciler's scans: due PENDING rows, expired SENDING leases.
    await q.query(`CREATE INDEX "scheduled_emails_status_send_at_idx" ON "scheduled_emails" ("status", "send_at")`);
    await q.query(
      `CREATE INDEX "scheduled_emails_user_id_send_at_idx" ON "scheduled_emails" ("user_id", "send_at", "id")`,
    );
    await q.query(`CREATE INDEX "scheduled_emails_meeting_id_idx" ON "scheduled_emails" ("meeting_id")`);
    await q.query(`CREATE INDEX "scheduled_emails_contact_id_idx" ON "scheduled_emails" ("contact_id")`);

    await q.query(`
      CREATE TABLE "email_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "scheduled_email_id" uuid NOT NULL,
        "event" text NOT NULL,
        "attempt" integer NOT NULL DEFAULT 0,
        "detail" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "email_events_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "email_events_scheduled_email_id_fkey" FOREIGN KEY ("scheduled_email_id")
          REFERENCES "scheduled_emails" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "email_events_scheduled_email_id_idx" ON "email_events" ("scheduled_email_id")`);

    await q.query(`CREATE TYPE "suppression_reason" AS ENUM ('UNSUBSCRIBED', 'HARD_BOUNCE')`);
    await q.query(`
      CREATE TABLE "email_suppressions" (
        "email" text NOT NULL,
        "reason" "suppression_reason" NOT NULL,
        "detail" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "email_suppressions_pkey" PRIMARY KEY ("email")
      )`);

    await q.query(`
      CREATE TABLE "email_templates" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "kind" "email_kind" NOT NULL,
        "subject" text NOT NULL,
        "body" text NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "email_templates_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "email_templates_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "email_templates_user_id_kind_key" ON "email_templates" ("user_id", "kind")`);

    await q.query(`ALTER TABLE "users" ADD "disabled_reminders" "email_kind" array NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "meetings" ADD "ics_sequence" integer NOT NULL DEFAULT 0`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "meetings" DROP COLUMN "ics_sequence"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "disabled_reminders"`);
    await q.query(`DROP TABLE "email_templates"`);
    await q.query(`DROP TABLE "email_suppressions"`);
    await q.query(`DROP TYPE "suppression_reason"`);
    await q.query(`DROP TABLE "email_events"`);
    await q.query(`DROP TABLE "scheduled_emails"`);
    await q.query(`DROP TYPE "email_status"`);
    await q.query(`DROP TYPE "email_kind"`);
  }
}
