import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An insight may be added on its own (createInsight), about a contact or an organisation, with no
 * meeting. Down cannot keep those (the column was required): it deletes them.
 */
export class AllowInsightsWithoutMeeting1795305600131 implements MigrationInterface {
  name = 'AllowInsightsWithoutMeeting1795305600131';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "insights" ALTER COLUMN "meeting_id" DROP NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "insights" WHERE "meeting_id" IS NULL`);
    await q.query(`ALTER TABLE "insights" ALTER COLUMN "meeting_id" SET NOT NULL`);
  }
}
