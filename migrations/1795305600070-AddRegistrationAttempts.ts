import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropEmailKinds } from './support/email-kind';

/**
 * register stops saying which addresses have accounts: each attempt on an address not yet
 * verified keeps its own password (`registration_attempts`), applied only through the link of
 * that attempt's verification email (`account_tokens.registration_attempt_id`); an attempt on a
 * verified address tells its owner instead (ACCOUNT_EXISTS).
 */
export class AddRegistrationAttempts1795305600070 implements MigrationInterface {
  name = 'AddRegistrationAttempts1795305600070';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "registration_attempts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "scheduled_email_id" uuid NOT NULL,
        "password_hash" text NOT NULL,
        "name" text NOT NULL,
        "timezone" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "registration_attempts_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "registration_attempts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "registration_attempts_scheduled_email_id_fkey" FOREIGN KEY ("scheduled_email_id")
          REFERENCES "scheduled_emails" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "registration_attempts_user_id_idx" ON "registration_attempts" ("user_id")`);
    await q.query(
      `CREATE UNIQUE INDEX "registration_attempts_scheduled_email_id_key" ON "registration_attempts" ("scheduled_email_id")`,
    );
    await q.query(`ALTER TABLE "account_tokens" ADD "registration_attempt_id" uuid`);
    await q.query(`
      ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_registration_attempt_id_fkey"
        FOREIGN KEY ("registration_attempt_id") REFERENCES "registration_attempts" ("id") ON DELETE CASCADE`);
    await q.query(
      `CREATE INDEX "account_tokens_registration_attempt_id_idx" ON "account_tokens" ("registration_attempt_id")`,
    );
    await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS 'ACCOUNT_EXISTS'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "account_tokens" DROP COLUMN "registration_attempt_id"`);
    await q.query(`DROP TABLE "registration_attempts"`);
    await dropEmailKinds(q, ['ACCOUNT_EXISTS']);
  }
}
