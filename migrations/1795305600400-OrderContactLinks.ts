import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The introductions and reporting lines indexes also order by the contact's id, so the
 * introduction paths walk reads a person's first links (by id) straight from the index, whatever
 * the table's physical row order, without sorting all of a hub's links. They carry what the walk
 * reads of each link (the owner, and the debrief an introduction came from), so the lookup can
 * be an index-only scan: the planner prefers it to a bitmap scan plus a sort of every link even
 * when it expects few rows. They replace the single-column indexes, which every lookup of the old
 * ones can use instead.
 */
export class OrderContactLinks1795305600400 implements MigrationInterface {
  name = 'OrderContactLinks1795305600400';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "contacts_introduced_by_id_id_idx" ON "contacts" ("introduced_by_id", "id") INCLUDE ("user_id", "source_meeting_id")`,
    );
    await q.query(
      `CREATE INDEX "contacts_reports_to_id_id_idx" ON "contacts" ("reports_to_id", "id") INCLUDE ("user_id")`,
    );
    await q.query(`DROP INDEX "contacts_introduced_by_id_idx"`);
    await q.query(`DROP INDEX "contacts_reports_to_id_idx"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "contacts_introduced_by_id_idx" ON "contacts" ("introduced_by_id")`);
    await q.query(`CREATE INDEX "contacts_reports_to_id_idx" ON "contacts" ("reports_to_id")`);
    await q.query(`DROP INDEX "contacts_introduced_by_id_id_idx"`);
    await q.query(`DROP INDEX "contacts_reports_to_id_id_idx"`);
  }
}
