import { SyncContactsDocument, SyncInsightsDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { SqlCounter } from '../helpers/sql-counter';

// A sync that asks for the few rows changed since its checkpoint is served by the
// (user_id, updated_at) index, not by reading every row of a large account.

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  const ds = app.infra.ds;
  // 20,000 contacts and insights last changed a month ago (an insert does not stamp updated_at).
  await ds.query(
    `WITH people AS (
       INSERT INTO contacts (user_id, first_name, updated_at)
       SELECT $1, 'Person ' || i, now() - interval '30 days' FROM generate_series(1, 20000) i RETURNING id
     )
     INSERT INTO insights (user_id, contact_id, category, text, updated_at)
     SELECT $1, id, 'OTHER', 'Learnt', now() - interval '30 days' FROM people`,
    [ada.user.id],
  );
  // A few changed since: the trigger stamps them now.
  await ds.query(`UPDATE contacts SET notes = 'new' WHERE id IN (SELECT id FROM contacts WHERE user_id = $1 LIMIT 5)`, [
    ada.user.id,
  ]);
  await ds.query(`UPDATE insights SET text = 'new' WHERE id IN (SELECT id FROM insights WHERE user_id = $1 LIMIT 5)`, [
    ada.user.id,
  ]);
  await ds.query('ANALYZE contacts, insights');
});
afterAll(() => app.close());

/** The plan of the list statement a request sent, as PostgreSQL would run it. */
async function planOf(request: () => Promise<unknown>, table: string): Promise<string> {
  const start = sql.statements.length;
  await request();
  const index = sql.statements.findIndex(
    (q, i) => i >= start && q.includes(`FROM "${table}"`) && q.includes('"updated_at" >='),
  );
  expect(index).toBeGreaterThanOrEqual(start);
  const rows = await app.infra.ds.query(`EXPLAIN ${sql.statements[index]}`, sql.parameters[index]);
  return rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
}

const since = () => new Date(Date.now() - 60_000).toISOString();

it('reads the contacts changed since a checkpoint through their updated_at index', async () => {
  let changed = 0;
  const plan = await planOf(async () => {
    changed = (await ada.ok(SyncContactsDocument, { since: since(), first: 100 })).contacts.edges.length;
  }, 'contacts');
  expect(changed).toBe(5);
  expect(plan).toContain('contacts_user_id_updated_at_idx');
});

it('reads the insights changed since a checkpoint through their updated_at index', async () => {
  let changed = 0;
  const plan = await planOf(async () => {
    changed = (await ada.ok(SyncInsightsDocument, { since: since(), first: 100 })).insights.edges.length;
  }, 'insights');
  expect(changed).toBe(5);
  expect(plan).toContain('insights_user_id_updated_at_idx');
});
