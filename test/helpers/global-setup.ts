import 'reflect-metadata';
import { Client } from 'pg';
import { createAppDataSource } from '../../src/app/infrastructure';
import { databaseUrl, TEMPLATE_DATABASE, testServerUrls } from './test-env';

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

/**
 * A fixture shortcut, in the test template only: the accounts tests register are verified as
 * they are inserted (so no verification email is planned for them), except addresses at
 * `unverified.test` (`unverifiedInput()` in factories.ts), which go through the real flow.
 * Suites about everything else need accounts whose mail to contacts is sent.
 */
const VERIFIED_FIXTURE = `
  CREATE FUNCTION test_fixture_verified_users() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.email NOT LIKE '%@unverified.test' THEN
      NEW.email_verified_at := coalesce(NEW.email_verified_at, now());
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER test_fixture_verified_users BEFORE INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION test_fixture_verified_users();`;
