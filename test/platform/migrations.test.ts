import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createAppDataSource } from '../../src/app/infrastructure';
import { databaseUrl, testServerUrls, workerId } from '../helpers/test-env';

// A scratch database of its own: these tests migrate it up and down.
const name = `rapport_migrations_${workerId()}`;
let ds: DataSource;

beforeAll(async () => {
  const admin = new Client({ connectionString: testServerUrls().database });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  ds = await createAppDataSource({
    db: { url: databaseUrl(name), poolSize: 2, ssl: false, statementTimeoutMs: 0 },
  }).initialize();
});
afterAll(() => ds.destroy());

const tables = async () =>
  (
    await ds.query<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
  ).map((r) => r.tablename);

it('every migration applies, reverts and applies again', async () => {
  const applied = await ds.runMigrations({ transaction: 'each' });
  expect(applied.length).toBe(ds.migrations.length);
  for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
  expect(await tables()).toEqual(['migrations']);
  const types = await ds.query(`SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typtype = 'e'`);
  expect(types).toEqual([]); // enums dropped too
  expect(await ds.runMigrations({ transaction: 'each' })).toHaveLength(applied.length);
});

it('the migrated schema matches the entities (nothing left for migration:generate)', async () => {
  const pending = await ds.driver.createSchemaBuilder().log();
  expect(pending.upQueries.map((q) => q.query)).toEqual([]);
});
