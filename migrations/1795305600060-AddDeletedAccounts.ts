import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts deleted within the last access-token lifetime, by their former id only: the access
 * revocation poll reads it, so a deleted account's tokens are refused on every API process
 * (its users row, which carried access_revoked_at, is gone). Purged once such tokens have expired.
 */
export class AddDeletedAccounts1795305600060 implements MigrationInterface {
  name = 'AddDeletedAccounts1795305600060';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "deleted_accounts" (
        "account_id" uuid NOT NULL,
        "deleted_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "deleted_accounts_pkey" PRIMARY KEY ("account_id")
      )`);
    await q.query(`CREATE INDEX "deleted_accounts_deleted_at_idx" ON "deleted_accounts" ("deleted_at")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "deleted_accounts"`);
  }
}
