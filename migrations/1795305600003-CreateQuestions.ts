import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateQuestions1795305600003 implements MigrationInterface {
  name = 'CreateQuestions1795305600003';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "topic" AS ENUM ('ENTRY_PATHS', 'DAY_TO_DAY', 'SKILLS_AND_TRAINING', 'SALARY', 'CULTURE',
      'ADVANCEMENT', 'INDUSTRY_TRENDS', 'HIRING_CHANNELS', 'EVENTS', 'WHO_ELSE', 'ADVICE', 'OTHER')`);
    await q.query(`
      CREATE TABLE "questions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "category" "topic" NOT NULL,
        "text" text NOT NULL,
        "default_key" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "questions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "questions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "questions_user_id_default_key_key" ON "questions" ("user_id", "default_key")
      WHERE default_key IS NOT NULL`);
    await q.query(`CREATE INDEX "questions_user_id_category_idx" ON "questions" ("user_id", "category")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "questions"`);
    await q.query(`DROP TYPE "topic"`);
  }
}
