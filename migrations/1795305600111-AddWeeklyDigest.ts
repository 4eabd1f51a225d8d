import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropEmailKinds } from './support/email-kind';

/**
 * The weekly digest: a reminder kind (WEEKLY_DIGEST) and the ISO weekday the user chose for it
 * (1 = Monday … 7 = Sunday); null, the default, until they ask for it.
 */
export class AddWeeklyDigest1795305600111 implements MigrationInterface {
  name = 'AddWeeklyDigest1795305600111';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "email_kind" ADD VALUE IF NOT EXISTS 'WEEKLY_DIGEST'`);
    await q.query(`ALTER TABLE "users" ADD "weekly_digest_weekday" smallint`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "weekly_digest_weekday"`);
    await dropEmailKinds(q, ['WEEKLY_DIGEST']);
  }
}
