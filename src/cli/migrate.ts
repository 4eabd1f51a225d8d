import 'reflect-metadata';
import { dataSourceFromEnv } from '../app/cli-data-source';

// Any fixed number: every instance that migrates takes the same lock, so replicas started
// together run migrations one at a time.
const MIGRATION_LOCK = 727_274_001;

/** `migrate up` applies pending migrations; `migrate down` reverts the last one. */
async function main() {
  const direction = process.argv[2] ?? 'up';
  if (direction !== 'up' && direction !== 'down') {
    process.stderr.write('usage: migrate [up|down]\n');
    process.exit(64);
  }
  const ds = dataSourceFromEnv();
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    if (direction === 'up') {
      const applied = await ds.runMigrations({ transaction: 'each' });
      process.stdout.write(
        applied.length ? applied.map((m) => `applied ${m.name}\n`).join('') : 'no pending migrations\n',
      );
    } else {
      await ds.undoLastMigration({ transaction: 'each' });
      process.stdout.write('reverted the last migration\n');
    }
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    await runner.release();
    await ds.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
