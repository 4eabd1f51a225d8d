import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/core/db/data-source';
import { createGenericPlanPool } from '../../src/core/db/generic-plan-pool';
import { queryPrepared } from '../../src/core/db/prepared';
import { ensureDatabase } from '../helpers/database';
import { databaseUrl, workerId } from '../helpers/test-env';

// Statements that must run on their generic plan get connections of their own; TypeORM's pool,
// and every statement on it, keeps PostgreSQL's own choice. One connection each, so every
// statement here meets the session the previous one left.

let ds: DataSource;
let genericPlans: Pool;

beforeAll(async () => {
  const database = `rapport_test_${workerId()}`;
  await ensureDatabase(database);
  const db = { url: databaseUrl(database), poolSize: 1, ssl: false, statementTimeoutMs: 0 };
  ds = createDataSource({ db }, { entities: [] });
  await ds.initialize();
  genericPlans = createGenericPlanPool({ db }, { applicationName: 'rapport-test-generic', max: 1 });
});
afterAll(async () => {
  await genericPlans.end();
  await ds.destroy();
});

/** An `= ANY` read: PostgreSQL's own choice for one id is a custom plan on each of the first calls. */
const byIds = (tag: string) => `SELECT id FROM users WHERE id = ANY($1::uuid[]) /* ${tag} */`;

const PLANS =
  'SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE statement = $1';

/** How the session's prepared statement with this text has been planned so far. */
async function plansOf(on: DataSource | Pool, text: string): Promise<{ generic: number; custom: number }> {
  const rows = 'manager' in on ? await on.query(PLANS, [text]) : (await on.query(PLANS, [text])).rows;
  expect(rows).toHaveLength(1);
  return rows[0] as { generic: number; custom: number };
}

it('plans a statement on the generic-plan pool generically from its first call', async () => {
  const text = byIds('generic');
  for (let i = 0; i < 3; i++) expect(await queryPrepared(genericPlans, text, [[randomUUID()]])).toEqual([]);
  expect(await plansOf(genericPlans, text)).toEqual({ generic: 3, custom: 0 });
  expect((await genericPlans.query('SHOW plan_cache_mode')).rows).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
});

it('leaves TypeORM’s connections at the default, and their prepared statements to PostgreSQL', async () => {
  await queryPrepared(genericPlans, byIds('generic'), [[randomUUID()]]);
  expect(await ds.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'auto' }]);
  const text = byIds('auto');
  await queryPrepared(ds, text, [[randomUUID()]]);
  expect(await plansOf(ds, text)).toEqual({ generic: 0, custom: 1 });
});

it('keeps the pool usable after a failed statement', async () => {
  await expect(queryPrepared(genericPlans, byIds('generic'), [['not a uuid']])).rejects.toMatchObject({
    code: '22P02',
  });
  expect(await queryPrepared(genericPlans, 'SELECT $1::int + 1 AS n', [41])).toEqual([{ n: 42 }]);
  expect((await genericPlans.query('SHOW plan_cache_mode')).rows).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
});

it('runs a prepared statement inside a TypeORM transaction on that transaction’s connection', async () => {
  await ds.transaction(async (m) => {
    const [{ pid }] = await m.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
    expect(await queryPrepared(m, 'SELECT pg_backend_pid() AS pid /* in tx */', [])).toEqual([{ pid }]);
    expect(await m.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'auto' }]);
  });
});
