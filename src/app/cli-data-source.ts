// Database access for command-line tools (migrations, admin promotion, the TypeORM CLI):
// they read only the DATABASE_* settings, not the API's secrets.
import { loadConfigOrExit, loadDatabaseConfig } from '../core/config';
import { createAppDataSource } from './infrastructure';

export function dataSourceFromEnv() {
  const config = loadConfigOrExit(() => loadDatabaseConfig());
  return createAppDataSource({ db: { ...config.db, poolSize: 2, statementTimeoutMs: 0 } });
}

// For `typeorm migration:generate -d dist/src/app/cli-data-source.js`.
export default process.env.DATABASE_URL ? dataSourceFromEnv() : undefined;
