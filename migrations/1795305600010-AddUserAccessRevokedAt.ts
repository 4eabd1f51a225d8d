import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddUserAccessRevokedAt1795305600010 implements MigrationInterface {
  name = 'AddUserAccessRevokedAt1795305600010';

  public async up(q: QueryRunner): Promise<void> {
    // When access tokens issued before it stop working (API processes poll for it).
    await q.query(`ALTER TABLE "users" ADD "access_revoked_at" timestamptz`);
    await q.query(
      `CREATE INDEX "users_access_revoked_at_idx" ON "users" ("access_revoked_at") WHERE "access_revoked_at" IS NOT NULL`,
    );
    // Set by the database whenever an account is suspended or changes role, whichever code (or
    // operator's SQL) does it, so no path can forget to cut the account's tokens off.
    await q.query(`
      CREATE FUNCTION "users_revoke_access"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.suspended_at IS NOT NULL AND OLD.suspended_at IS NULL) OR NEW.role <> OLD.role THEN
          NEW.access_revoked_at := now();
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER "users_revoke_access" BEFORE UPDATE OF "suspended_at", "role" ON "users"
      FOR EACH ROW EXECUTE FUNCTION "users_revoke_access"()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "users_revoke_access" ON "users"`);
    await q.query(`DROP FUNCTION "users_revoke_access"()`);
    await q.query(`DROP INDEX "users_access_revoked_at_idx"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "access_revoked_at"`);
  }
}
