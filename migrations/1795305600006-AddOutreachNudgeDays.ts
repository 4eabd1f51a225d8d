import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddOutreachNudgeDays1795305600006 implements MigrationInterface {
  name = 'AddOutreachNudgeDays1795305600006';

  public async up(q: QueryRunner): Promise<void> {
    // Days after an outreach request that the user is nudged if the contact is still REQUESTED.
    await q.query(`ALTER TABLE "users" ADD "outreach_nudge_days" integer NOT NULL DEFAULT 7`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "outreach_nudge_days"`);
  }
}
