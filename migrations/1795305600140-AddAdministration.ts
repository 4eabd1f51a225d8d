import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropEmailKinds } from './support/email-kind';

/**
 * The administration API: `admin_audit_log` (append-only: a trigger refuses UPDATE and DELETE;
 * it names accounts by id and address as plain values, with no foreign key, so a deleted
 * account's history stays), the ACCOUNT_SUSPENDED notice, and mail of a suspended account held
 * (`held_reason = 'ACCOUNT_SUSPENDED'`) instead of planned to go, whichever code plans it.
 */
export class AddAdministration1795305600140 implements MigrationInterface {
  name = 'AddAdministration1795305600140';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "admin_audit_log" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "admin_id" uuid NOT NULL,
        "admin_email" text NOT NULL,
        "action" text NOT NULL,
        "target_user_id" uuid,
        "target_email" text,
        "target_id" text,
        "details" jsonb NOT NULL DEFAULT '{}',
        "ip" text,
        "created_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT "admin_audit_log_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "admin_audit_log_created_at_idx" ON "admin_audit_log" ("created_at" DESC, "id" DESC)`);
    await q.query(`
      CREATE FUNCTION "admin_audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'admin_audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER "admin_audit_log_append_only" BEFORE UPDATE OR DELETE ON "admin_audit_log"
      FOR EACH ROW EXECUTE FUNCTION "admin_audit_log_append_only"()`);

    await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS 'ACCOUNT_SUSPENDED'`);
    // The notice of the suspension itself is the one email a suspended account is sent.
    await q.query(`
      CREATE OR REPLACE FUNCTION "scheduled_emails_hold_unverified"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Only a PENDING email waits: one cancelled (or otherwise moved on) no longer does.
        IF NEW.status <> 'PENDING' THEN
          NEW.held_reason := NULL;
        ELSIF NEW.held_reason IS NULL
           AND NEW.kind::text <> 'ACCOUNT_SUSPENDED'
           AND EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.user_id AND u.suspended_at IS NOT NULL) THEN
          NEW.held_reason := 'ACCOUNT_SUSPENDED';
        ELSIF NEW.held_reason IS NULL
           AND NEW.kind::text IN ('THANK_YOU', 'FOLLOW_UP', 'OUTREACH')
           AND EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.user_id AND u.email_verified_at IS NULL) THEN
          NEW.held_reason := 'EMAIL_NOT_VERIFIED';
        END IF;
        RETURN NEW;
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION "scheduled_emails_hold_unverified"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status <> 'PENDING' THEN
          NEW.held_reason := NULL;
        ELSIF NEW.held_reason IS NULL
           AND NEW.kind::text IN ('THANK_YOU', 'FOLLOW_UP', 'OUTREACH')
           AND EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.user_id AND u.email_verified_at IS NULL) THEN
          NEW.held_reason := 'EMAIL_NOT_VERIFIED';
        END IF;
        RETURN NEW;
      END $$`);
    // Before this migration a suspended account's mail was cancelled as it came due.
    await q.query(`UPDATE "scheduled_emails" SET "status" = 'CANCELLED', "cancel_reason" = 'ACCOUNT_SUSPENDED', "held_reason" = NULL
      WHERE "held_reason" = 'ACCOUNT_SUSPENDED'`);
    await q.query(`DROP TABLE "admin_audit_log"`);
    await q.query(`DROP FUNCTION "admin_audit_log_append_only"()`);
    await dropEmailKinds(q, ['ACCOUNT_SUSPENDED']);
  }
}
