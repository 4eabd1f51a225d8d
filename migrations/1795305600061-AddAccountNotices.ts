import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notices about an account that no longer exists (the confirmation that it was deleted): no
 * user_id, so they outlive the account's rows; each row goes once its message has been sent.
 */
export class AddAccountNotices1795305600061 implements MigrationInterface {
  name = 'AddAccountNotices1795305600061';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "account_notices" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "kind" text NOT NULL,
        "to_email" text NOT NULL,
        "to_name" text,
        "message_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "account_notices_pkey" PRIMARY KEY ("id")
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "account_notices"`);
  }
}
