import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IndexInsightsAndCommitmentsByUser1795305600008 implements MigrationInterface {
  name = 'IndexInsightsAndCommitmentsByUser1795305600008';

  public async up(q: QueryRunner): Promise<void> {
    // The lists' keyset orders, per user: without them a page scans every user's rows.
    await q.query(`CREATE INDEX "insights_user_id_created_at_idx" ON "insights" ("user_id", "created_at", "id")`);
    await q.query(
      `CREATE INDEX "commitments_user_id_due_on_idx" ON "commitments" ("user_id", (coalesce("due_on", 'infinity'::date)), "id")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "commitments_user_id_due_on_idx"`);
    await q.query(`DROP INDEX "insights_user_id_created_at_idx"`);
  }
}
