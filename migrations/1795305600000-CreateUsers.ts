import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1795305600000 implements MigrationInterface {
  name = 'CreateUsers1795305600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "user_role" AS ENUM ('USER', 'ADMIN')`);
    await q.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" text NOT NULL,
        "name" text NOT NULL,
        "password_hash" text NOT NULL,
        "role" "user_role" NOT NULL DEFAULT 'USER',
        "timezone" text NOT NULL,
        "sending_window_start_minute" smallint NOT NULL DEFAULT 480,
        "sending_window_end_minute" smallint NOT NULL DEFAULT 1200,
        "thank_you_delay_minutes" integer NOT NULL DEFAULT 120,
        "follow_up_delay_days" integer NOT NULL DEFAULT 14,
        "prep_reminder_hours_before" integer NOT NULL DEFAULT 24,
        "weekly_meeting_goal" integer NOT NULL DEFAULT 5,
        "suspended_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "users_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "users_email_key" ON "users" ("email")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP TYPE "user_role"`);
  }
}
