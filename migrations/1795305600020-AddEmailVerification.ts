import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email verification: `users.email_verified_at`, single-use emailed tokens (stored as hashes),
 * the EMAIL_VERIFICATION kind, and `scheduled_emails.held_reason` for mail to contacts that waits
 * until its account's address is verified.
 */
export class AddEmailVerification1795305600020 implements MigrationInterface {
  name = 'AddEmailVerification1795305600020';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "email_verified_at" timestamptz`);
    // Accounts made before verification existed are grandfathered (docs/security.md): their mail
    // already flowed, and holding it now would stop conversations already under way.
    await q.query(`UPDATE "users" SET "email_verified_at" = "created_at"`);

    await q.query(`
      CREATE TABLE "account_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "purpose" text NOT NULL,
        "email" text NOT NULL,
        "token_hash" bytea NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "account_tokens_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "account_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "account_tokens_token_hash_key" ON "account_tokens" ("token_hash")`);
    await q.query(`CREATE INDEX "account_tokens_user_id_idx" ON "account_tokens" ("user_id")`);

    await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS 'EMAIL_VERIFICATION'`);
    await q.query(`ALTER TABLE "scheduled_emails" ADD "held_reason" text`);
    await q.query(
      `CREATE INDEX "scheduled_emails_held_idx" ON "scheduled_emails" ("user_id") WHERE "held_reason" IS NOT NULL`,
    );
    // Mail to contacts (THANK_YOU, FOLLOW_UP, OUTREACH: CONTACT_FACING in email-kind.ts) planned
    // or revived for an account whose address is not verified waits, whichever code plans it.
    // Verification releases it (releaseHeldEmails); the reconciler repairs a hold that raced one.
    // The WHEN clause keeps the worker's claim and "sent" updates (SENDING, SENT) from calling it.
    await q.query(`
      CREATE FUNCTION "scheduled_emails_hold_unverified"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Only a PENDING email waits: one cancelled (or otherwise moved on) no longer does.
        IF NEW.status <> 'PENDING' THEN
          NEW.held_reason := NULL;
        ELSIF NEW.held_reason IS NULL
           AND NEW.kind::text IN ('THANK_YOU', 'FOLLOW_UP', 'OUTREACH')
           AND EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.user_id AND u.email_verified_at IS NULL) THEN
          NEW.held_reason := 'EMAIL_NOT_VERIFIED';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER "scheduled_emails_hold_unverified" BEFORE INSERT OR UPDATE OF "status" ON "scheduled_emails"
      FOR EACH ROW WHEN (NEW.status = 'PENDING' OR NEW.held_reason IS NOT NULL)
      EXECUTE FUNCTION "scheduled_emails_hold_unverified"()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "scheduled_emails_hold_unverified" ON "scheduled_emails"`);
    await q.query(`DROP FUNCTION "scheduled_emails_hold_unverified"()`);
    await q.query(`DROP INDEX "scheduled_emails_held_idx"`);
    await q.query(`ALTER TABLE "scheduled_emails" DROP COLUMN "held_reason"`);
    // Postgres cannot drop an enum value: rebuild the type without it.
    await q.query(`DELETE FROM "scheduled_emails" WHERE "kind" = 'EMAIL_VERIFICATION'`);
    await q.query(`DELETE FROM "email_templates" WHERE "kind" = 'EMAIL_VERIFICATION'`);
    await q.query(`ALTER TYPE "email_kind" RENAME TO "email_kind_old"`);
    await q.query(`CREATE TYPE "email_kind" AS ENUM
      ('PREP_REMINDER', 'THANK_YOU', 'FOLLOW_UP', 'KEEP_IN_TOUCH_DIGEST', 'OUTREACH', 'OUTREACH_NUDGE',
       'MEETING_CANCELLED', 'MEETING_UPDATED')`);
    await q.query(
      `ALTER TABLE "scheduled_emails" ALTER COLUMN "kind" TYPE "email_kind" USING "kind"::text::"email_kind"`,
    );
    await q.query(
      `ALTER TABLE "email_templates" ALTER COLUMN "kind" TYPE "email_kind" USING "kind"::text::"email_kind"`,
    );
    await q.query(`ALTER TABLE "users" ALTER COLUMN "disabled_reminders" DROP DEFAULT`);
    await q.query(
      `ALTER TABLE "users" ALTER COLUMN "disabled_reminders" TYPE "email_kind"[] USING "disabled_reminders"::text[]::"email_kind"[]`,
    );
    await q.query(`ALTER TABLE "users" ALTER COLUMN "disabled_reminders" SET DEFAULT '{}'`);
    await q.query(`DROP TYPE "email_kind_old"`);
    await q.query(`DROP TABLE "account_tokens"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "email_verified_at"`);
  }
}
