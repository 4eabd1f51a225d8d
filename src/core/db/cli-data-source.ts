// Entry point for the TypeORM CLI (`npm run migration:generate`): reads only the database
// settings, so generating a migration needs no secrets.
import { createDataSource } from './data-source';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is required (start `npm run dev` once and use the URL it prints)\n');
  process.exit(78);
}

export default createDataSource({ db: { url, poolSize: 2, ssl: process.env.DATABASE_SSL === 'true', statementTimeoutMs: 0 } });
