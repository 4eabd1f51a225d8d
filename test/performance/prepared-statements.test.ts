import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/core/db/data-source';
import { queryPrepared } from '../../src/core/db/prepared';
import { ensureDatabase } from '../helpers/database';
import { databaseUrl, workerId } from '../helpers/test-env';

// queryPrepared's generic-plan option must hold for its own statement only. A pool of one
// connection puts every statement here on the connection the generic-plan statement used.

let ds: DataSource;

beforeAll(async () => {
  const database = `rapport_test_${workerId()}`;
  await ensureDatabase(database);
  ds = createDataSource(
    { db: { url: databaseUrl(database), poolSize: 1, ssl: false, statementTimeoutMs: 0 } },
    { entities: [] },
  );
  await ds.initialize();
});
afterAll(() => ds.destroy());

/** An `= ANY` read: PostgreSQL's own choice for one id is a custom plan on each of the first calls. */
const byIds = (tag: string) => `SELECT id FROM users WHERE id = ANY($1::uuid[]) /* ${tag} */`;

/** How the connection's prepared statement with this text has been planned so far. */
async function plansOf(text: string): Promise<{ generic: number; custom: number }> {
  const rows: { generic: number; custom: number }[] = await ds.query(
    'SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE statement = $1',
    [text],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

const planCacheMode = async () => ((await ds.query('SHOW plan_cache_mode')) as { plan_cache_mode: string }[])[0];

it('plans a generic-plan statement generically from its first call, and leaves the connection at its default', async () => {
  expect(await planCacheMode()).toEqual({ plan_cache_mode: 'auto' });
  const text = byIds('generic');
  for (let i = 0; i < 3; i++) {
    expect(await queryPrepared(ds, text, [[randomUUID()]], { genericPlan: true })).toEqual([]);
  }
  expect(await plansOf(text)).toEqual({ generic: 3, custom: 0 });
  // TypeORM's next statement on the same connection sees the default.
  expect(await planCacheMode()).toEqual({ plan_cache_mode: 'auto' });
});

it('leaves the next prepared statement on that connection to PostgreSQL’s own choice', async () => {
  await queryPrepared(ds, byIds('generic'), [[randomUUID()]], { genericPlan: true });
  const text = byIds('auto');
  await queryPrepared(ds, text, [[randomUUID()]]);
  expect(await plansOf(text)).toEqual({ generic: 0, custom: 1 });
});

it('leaves no setting behind when the statement fails', async () => {
  await expect(queryPrepared(ds, byIds('generic'), [['not a uuid']], { genericPlan: true })).rejects.toMatchObject({
    code: '22P02',
  });
  expect(await planCacheMode()).toEqual({ plan_cache_mode: 'auto' });
  expect(await queryPrepared(ds, 'SELECT $1::int + 1 AS n', [41])).toEqual([{ n: 42 }]);
});

it('refuses a generic-plan statement inside a transaction, where the setting would outlive it', async () => {
  await ds.transaction(async (m) => {
    await expect(queryPrepared(m, byIds('generic'), [[randomUUID()]], { genericPlan: true })).rejects.toThrow(
      /outside a transaction/,
    );
    expect(await m.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'auto' }]);
  });
});
