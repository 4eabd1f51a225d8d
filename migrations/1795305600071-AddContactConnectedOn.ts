import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `contacts.connected_on`: the day the user and the contact connected (LinkedIn's "Connected On"). */
export class AddContactConnectedOn1795305600071 implements MigrationInterface {
  name = 'AddContactConnectedOn1795305600071';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "contacts" ADD "connected_on" date`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "contacts" DROP COLUMN "connected_on"`);
  }
}
