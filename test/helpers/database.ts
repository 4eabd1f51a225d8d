import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { TEMPLATE_DATABASE, testServerUrls } from './test-env';

/** Creates `name` as a copy of the migrated template unless it exists already. */
export async function ensureDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: testServerUrls().database });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
}

/** Empties every table but the migrations record, so each test file starts clean. */
export async function truncateAll(ds: DataSource): Promise<void> {
  const tables = ds.entityMetadatas.map((m) => `"${m.tableName}"`);
  if (tables.length) await ds.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`);
}
