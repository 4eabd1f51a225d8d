// Database access for command-line tools (migrations, admin promotion, the TypeORM CLI):
// they need only DATABASE_URL, not the API's secrets.
import { createDataSource } from './data-source';

export function dataSourceFromEnv() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('DATABASE_URL is required (`npm run dev` prints the one it uses)\n');
    process.exit(78);
  }
  return createDataSource({
    db: { url, poolSize: 2, ssl: process.env.DATABASE_SSL === 'true', statementTimeoutMs: 0 },
  });
}

// For `typeorm migration:generate -d dist/src/core/db/cli-data-source.js`.
export default process.env.DATABASE_URL ? dataSourceFromEnv() : undefined;
