import 'reflect-metadata';
import { Client } from 'pg';
import { createAppDataSource } from '../../src/app/infrastructure';
import { databaseUrl, TEMPLATE_DATABASE, testServerUrls } from './test-env';
import { VERIFIED_FIXTURE } from './verified-fixture';

/**
 * Once per run: a freshly migrated template database. Each jest worker clones it (see
 * database.ts), which is much faster than migrating per worker.
 */
export default async function globalSetup(): Promise<void> {
  const { database } = testServerUrls();
  const admin = new Client({ connectionString: database });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE 'rapport\\_test\\_%'`,
      [TEMPLATE_DATABASE],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  const ds = createAppDataSource({
    db: { url: databaseUrl(TEMPLATE_DATABASE), poolSize: 1, ssl: false, statementTimeoutMs: 0 },
  });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    await ds.query(VERIFIED_FIXTURE);
  } finally {
    await ds.destroy();
  }
}
