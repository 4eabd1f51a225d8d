import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddCalendarFeedVersion1795305600040 implements MigrationInterface {
  name = 'AddCalendarFeedVersion1795305600040';

  public async up(q: QueryRunner): Promise<void> {
    // Part of every calendar feed URL's signature: bumping it makes the old URL stop working,
    // so no feed secret is ever stored.
    await q.query(`ALTER TABLE "users" ADD "calendar_feed_version" integer NOT NULL DEFAULT 1`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "calendar_feed_version"`);
  }
}
