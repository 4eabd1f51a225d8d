import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who a contact reports to: a link between two of the same user's contacts, cleared when the
 * manager is deleted. Indexed both ways the organisation tree and the introduction paths walk it.
 */
export class AddContactReportsTo1795305600100 implements MigrationInterface {
  name = 'AddContactReportsTo1795305600100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "contacts" ADD "reports_to_id" uuid`);
    await q.query(`
      ALTER TABLE "contacts" ADD CONSTRAINT "contacts_reports_to_id_fkey"
        FOREIGN KEY ("reports_to_id") REFERENCES "contacts" ("id") ON DELETE SET NULL`);
    await q.query(`CREATE INDEX "contacts_reports_to_id_idx" ON "contacts" ("reports_to_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "contacts_reports_to_id_idx"`);
    await q.query(`ALTER TABLE "contacts" DROP CONSTRAINT "contacts_reports_to_id_fkey"`);
    await q.query(`ALTER TABLE "contacts" DROP COLUMN "reports_to_id"`);
  }
}
