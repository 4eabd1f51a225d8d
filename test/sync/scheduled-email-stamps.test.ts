import { readOverdueOutbox } from '../../src/modules/admin/queue-health';
import { SyncScheduledEmailsDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { SqlCounter } from '../helpers/sql-counter';

// A scheduled email's updatedAt moves with every field a client reads, and not with the worker's
// lease bookkeeping alone (so those writes touch no index: docs/benchmarks.md § Email pipeline).
// The outbox's status reads go through the index of open rows, however much mail was sent.

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;
let emailId: string;

const MONTH_AGO = `now() - interval '30 days'`;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  const ds = app.infra.ds;
  // 20,000 emails sent a month ago, and one being sent now, last changed a month ago.
  await ds.query(
    `INSERT INTO scheduled_emails (user_id, kind, dedupe_key, to_email, subject, send_at, status, message_id, sent_at, updated_at)
     SELECT $1::uuid, 'THANK_YOU', 'old:' || i, 'grace@example.com', 'Thank you', ${MONTH_AGO}, 'SENT',
            '<old-' || i || '-' || $1::text || '@rapport.test>', ${MONTH_AGO}, ${MONTH_AGO}
       FROM generate_series(1, 20000) i`,
    [ada.user.id],
  );
  [{ id: emailId }] = await ds.query(
    `INSERT INTO scheduled_emails (user_id, kind, dedupe_key, to_email, subject, send_at, status, message_id,
                                   lease_owner, lease_expires_at, attempts, updated_at)
     VALUES ($1::uuid, 'THANK_YOU', 'now', 'grace@example.com', 'Thank you', now(), 'SENDING', '<now-' || $1::text || '@rapport.test>',
             'worker/1', now() + interval '30 seconds', 1, ${MONTH_AGO})
     RETURNING id`,
    [ada.user.id],
  );
  await ds.query('ANALYZE scheduled_emails');
});
afterAll(() => app.close());

const updatedAt = async (): Promise<Date> =>
  (await app.infra.ds.query('SELECT updated_at FROM scheduled_emails WHERE id = $1', [emailId]))[0].updated_at;
const changedSince = async (since: Date): Promise<string[]> =>
  (await ada.ok(SyncScheduledEmailsDocument, { since: since.toISOString(), first: 100 })).scheduledEmails.edges.map(
    (e) => e.node.id,
  );

it('does not stamp a write of the lease alone, and stamps any change a client can read', async () => {
  const ds = app.infra.ds;
  const before = await updatedAt();
  const since = new Date(Date.now() - 60_000);

  // "SMTP started" with the subject it already had, then a lease renewal: nothing a client sees.
  await ds.query(
    `UPDATE scheduled_emails SET smtp_started_at = now(), subject = 'Thank you',
            lease_expires_at = now() + interval '60 seconds' WHERE id = $1`,
    [emailId],
  );
  expect(await updatedAt()).toEqual(before);
  expect(await changedSince(since)).toEqual([]);

  // The subject refreshed when SMTP starts is a change.
  await ds.query(`UPDATE scheduled_emails SET smtp_started_at = now(), subject = 'Thank you, Grace' WHERE id = $1`, [
    emailId,
  ]);
  const afterSubject = await updatedAt();
  expect(afterSubject.getTime()).toBeGreaterThan(before.getTime());
  expect(await changedSince(since)).toEqual([emailId]);

  // So is the status, even when the statement sets updated_at to an old value.
  await ds.query(
    `UPDATE scheduled_emails SET status = 'SENT', sent_at = now(), lease_owner = NULL, lease_expires_at = NULL,
            updated_at = ${MONTH_AGO} WHERE id = $1`,
    [emailId],
  );
  expect((await updatedAt()).getTime()).toBeGreaterThanOrEqual(afterSubject.getTime());
  expect(await changedSince(since)).toEqual([emailId]);
});

it('counts overdue emails through the index of open rows', async () => {
  const start = sql.statements.length;
  await readOverdueOutbox(app.infra.ds);
  const index = sql.statements.findIndex((q, i) => i >= start && q.includes('FROM scheduled_emails'));
  expect(index).toBeGreaterThanOrEqual(start);
  const plan: { 'QUERY PLAN': string }[] = await app.infra.ds.query(
    `EXPLAIN ${sql.statements[index]}`,
    sql.parameters[index],
  );
  expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('scheduled_emails_open_status_send_at_idx');
});

it('stamps updated_at on a change of every column but the lease bookkeeping', async () => {
  const [{ def }]: { def: string }[] = await app.infra.ds.query(
    `SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgname = 'scheduled_emails_touch_updated_at'`,
  );
  const columns: { name: string }[] = await app.infra.ds.query(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = 'scheduled_emails'::regclass AND attnum > 0 AND NOT attisdropped`,
  );
  const bookkeeping = ['id', 'lease_owner', 'lease_expires_at', 'smtp_started_at', 'updated_at'];
  // A new column is either something a client reads (compared by the trigger) or bookkeeping.
  const unstamped = columns
    .map((c) => c.name)
    .filter((c) => !bookkeeping.includes(c) && !def.includes(`old.${c}`) && !def.includes(`old."${c}"`));
  expect(unstamped).toEqual([]);
});
