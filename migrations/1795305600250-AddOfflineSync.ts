import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Synced tables and the GraphQL type a client knows their rows by. */
const SYNCED: readonly [table: string, typename: string][] = [
  ['organisations', 'Organisation'],
  ['contacts', 'Contact'],
  ['meetings', 'Meeting'],
  ['insights', 'Insight'],
  ['commitments', 'Commitment'],
  ['job_leads', 'JobLead'],
  ['questions', 'Question'],
  ['scheduled_emails', 'ScheduledEmail'],
];
const NEW_UPDATED_AT = ['insights', 'commitments', 'job_leads'];

/**
 * Offline sync (docs/clients.md § Offline sync). Every synced table gets an `updated_at` that a
 * trigger sets on every write path (TypeORM saves, hand-written bulk SQL, foreign keys' SET NULL
 * when a contact or organisation goes, the worker's status changes), with an index for
 * `updatedSince`; deletes leave tombstones, written by statement triggers so a cascade of
 * thousands of rows costs one INSERT. Account deletion switches them off for its transaction.
 */
export class AddOfflineSync1795305600250 implements MigrationInterface {
  name = 'AddOfflineSync1795305600250';

  public async up(q: QueryRunner): Promise<void> {
    // Existing rows read as changed at migration time (a fast default rewrites no table): a
    // client's first sync is a full read anyway.
    for (const table of NEW_UPDATED_AT) {
      await q.query(`ALTER TABLE "${table}" ADD "updated_at" timestamptz NOT NULL DEFAULT now()`);
    }
    // now() is the writing transaction's start: the sync checkpoint (SyncService) relies on it.
    await q.query(`
      CREATE FUNCTION "sync_touch_updated_at"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TABLE "sync_tombstones" (
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "typename" text NOT NULL,
        "deleted_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "sync_tombstones_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "sync_tombstones_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX "sync_tombstones_user_id_deleted_at_idx" ON "sync_tombstones" ("user_id", "deleted_at", "id")`,
    );
    await q.query(`CREATE INDEX "sync_tombstones_deleted_at_idx" ON "sync_tombstones" ("deleted_at")`);
    // Skipped when the transaction says so (account deletion), and for rows whose account is gone
    // (a cascade from users): tombstones are per account and go with it.
    await q.query(`
      CREATE FUNCTION "sync_record_tombstones"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('rapport.sync_tombstones', true) IS DISTINCT FROM 'off' THEN
          INSERT INTO sync_tombstones (id, user_id, typename)
          SELECT g.id, g.user_id, TG_ARGV[0] FROM gone g JOIN users u ON u.id = g.user_id
          ON CONFLICT (id) DO UPDATE SET deleted_at = EXCLUDED.deleted_at;
        END IF;
        RETURN NULL;
      END $$`);
    for (const [table, typename] of SYNCED) {
      await q.query(`
        CREATE TRIGGER "${table}_touch_updated_at" BEFORE UPDATE ON "${table}"
        FOR EACH ROW EXECUTE FUNCTION sync_touch_updated_at()`);
      await q.query(`
        CREATE TRIGGER "${table}_tombstones" AFTER DELETE ON "${table}"
        REFERENCING OLD TABLE AS gone
        FOR EACH STATEMENT EXECUTE FUNCTION sync_record_tombstones('${typename}')`);
      await q.query(`CREATE INDEX "${table}_user_id_updated_at_idx" ON "${table}" ("user_id", "updated_at")`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const [table] of SYNCED) {
      await q.query(`DROP INDEX "${table}_user_id_updated_at_idx"`);
      await q.query(`DROP TRIGGER "${table}_tombstones" ON "${table}"`);
      await q.query(`DROP TRIGGER "${table}_touch_updated_at" ON "${table}"`);
    }
    await q.query(`DROP FUNCTION "sync_record_tombstones"()`);
    await q.query(`DROP TABLE "sync_tombstones"`);
    await q.query(`DROP FUNCTION "sync_touch_updated_at"()`);
    for (const table of NEW_UPDATED_AT) await q.query(`ALTER TABLE "${table}" DROP COLUMN "updated_at"`);
  }
}
