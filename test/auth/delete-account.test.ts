import { sendJobId } from '../../src/modules/emails/email-queue';
import {
  CalendarFeedUrlDocument,
  DeleteAccountDocument,
  LoginDocument,
  MeDocument,
  RefreshTokenDocument,
  RequestMeetingDocument,
  SessionsDocument,
  UpdateProfileDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, PASSWORD, signedInUser, unverifiedUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { exportLinks, richAccount } from '../exports/export-fixtures';

// deleteAccount: everything the account owns goes in one transaction, its mail stops, its
// tokens stop working on every API process, and nobody else's data is touched.

const PUBLIC_URL = 'https://rapport.example.test';
let app: TestApp;
let replica: TestApp;
let sink: SmtpSink;
let worker: EmailWorker | undefined;
beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL, ACCESS_REVOCATION_POLL_MS: '100' });
  replica = await startTestApp({ PUBLIC_URL, ACCESS_REVOCATION_POLL_MS: '100' }, { keepData: true });
  sink = await startSmtpSink();
});
afterAll(async () => {
  await worker?.close();
  await sink.close();
  await replica.close();
  await app.close();
});

const local = (url: string) => url.replace(PUBLIC_URL, app.url);
/** The status of a GET, its body read (so the connection is free again). */
async function status(url: string): Promise<number> {
  const res = await fetch(url);
  await res.text();
  return res.status;
}
const me = (on: TestApp, token: string) => execute(on.url, MeDocument, undefined, { token });

/** Every table with a user_id column, from the catalog: a table added later is counted too. */
async function userTables(): Promise<string[]> {
  const rows = await app.infra.ds.query<{ name: string }[]>(
    `SELECT c.table_name AS name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND c.column_name = 'user_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

async function countsOf(userId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await userTables()) {
    const [{ n }] = await app.infra.ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${table}" WHERE user_id = $1`,
      [userId],
    );
    counts[table] = n;
  }
  const [{ n }] = await app.infra.ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM users WHERE id = $1', [
    userId,
  ]);
  counts.users = n;
  return counts;
}

/**
 * Rows of any table that point at `ids` through a foreign key, as the catalog lists them: rows
 * of tables without a user_id column, and another account's rows, that reference the account.
 */
async function referencingRows(ids: Map<string, string[]>): Promise<Record<string, number>> {
  const fks = await app.infra.ds.query<{ child: string; col: string; parent: string }[]>(
    `SELECT cl.relname AS child, a.attname AS col, pr.relname AS parent
       FROM pg_constraint k
       JOIN pg_class cl ON cl.oid = k.conrelid
       JOIN pg_class pr ON pr.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = current_schema()
       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
      WHERE k.contype = 'f'`,
  );
  const found: Record<string, number> = {};
  for (const { child, col, parent } of fks) {
    const [{ n }] = await app.infra.ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${child}" WHERE "${col}"::text = ANY($1::text[])`,
      [ids.get(parent) ?? []],
    );
    found[`${child}.${col}→${parent}`] = n;
  }
  return found;
}

/** The ids of every row the user owns, by table (for the foreign-key check above). */
async function ownedIds(userId: string): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>([['users', [userId]]]);
  for (const table of await userTables()) {
    const hasId = await app.infra.ds.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'`,
      [table],
    );
    if (!hasId.length) continue;
    const rows = await app.infra.ds.query<{ id: string }[]>(`SELECT id::text FROM "${table}" WHERE user_id = $1`, [
      userId,
    ]);
    ids.set(
      table,
      rows.map((r) => r.id),
    );
  }
  return ids;
}

async function outreachSoon(user: SignedInUser) {
  await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
}

it('asks for the password, naming it, and counts a wrong one as a failed sign-in', async () => {
  const user = await signedInUser(app.url);
  const wrong = errorOf(await user.run(DeleteAccountDocument, { password: 'not my password' }));
  expect(wrong.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.password' }] });
  expect((await me(app, user.token)).data?.me?.id).toBe(user.user.id);
  // Five failures per account (LOGIN_MAX_FAILURES_PER_ACCOUNT): guessing here is guessing a sign-in.
  for (let i = 0; i < 4; i++) await user.run(DeleteAccountDocument, { password: `guess ${i}` });
  const limited = errorOf(await user.run(DeleteAccountDocument, { password: PASSWORD }));
  expect(limited.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  const login = errorOf(await execute(app.url, LoginDocument, { email: user.input.email, password: PASSWORD }));
  expect(login.extensions).toMatchObject({ code: 'RATE_LIMITED' });
  expect((await countsOf(user.user.id)).users).toBe(1);
});

it('deletes every row the account owns, and nothing of another account', async () => {
  const ada = await signedInUser(app.url, { name: 'Ada Lovelace' });
  const bob = await signedInUser(app.url, { name: 'Bob Kahn' });
  await richAccount(ada);
  await richAccount(bob);
  await insertDueOutreach(app.infra.ds, ada.user.id, { count: 2, tag: 'del', domain: 'ada.example' });
  await execute(app.url, LoginDocument, { email: ada.input.email, password: PASSWORD }); // a second session

  const adaBefore = await countsOf(ada.user.id);
  const bobBefore = await countsOf(bob.user.id);
  // Not an empty check: the account has rows in most of its tables.
  expect(Object.values(adaBefore).filter((n) => n > 0).length).toBeGreaterThanOrEqual(10);
  const adaIds = await ownedIds(ada.user.id);
  expect(Object.values(await referencingRows(adaIds)).some((n) => n > 0)).toBe(true);

  expect((await ada.ok(DeleteAccountDocument, { password: PASSWORD })).deleteAccount).toBe(true);

  const after = await countsOf(ada.user.id);
  expect(Object.entries(after).filter(([, n]) => n !== 0)).toEqual([]);
  expect(Object.entries(await referencingRows(adaIds)).filter(([, n]) => n !== 0)).toEqual([]);
  expect(await countsOf(bob.user.id)).toEqual(bobBefore);
  expect((await bob.ok(SessionsDocument)).sessions.length).toBeGreaterThan(0);
});

it('deletes a large account (100,000 contacts, 5,000 organisations) whole, in one transaction', async () => {
  const big = await signedInUser(app.url);
  // Written in a transaction of its own without the requests' statement limit: the fixture is big.
  await app.infra.ds.transaction(async (m) => {
    await m.query('SET LOCAL statement_timeout = 0');
    await m.query(
      `WITH orgs AS (
       INSERT INTO organisations (user_id, name) SELECT $1, 'Org ' || i FROM generate_series(1, 5000) i RETURNING id
     ), numbered AS (SELECT id, row_number() OVER () AS n FROM orgs)
     INSERT INTO contacts (user_id, first_name, organisation_id, email)
     SELECT $1, 'Contact ' || i, o.id, 'c' || i || '@big.example'
     FROM generate_series(1, 100000) i JOIN numbered o ON o.n = 1 + i % 5000`,
      [big.user.id],
    );
  });
  expect((await countsOf(big.user.id)).contacts).toBe(100_000);
  expect((await big.ok(DeleteAccountDocument, { password: PASSWORD })).deleteAccount).toBe(true);
  expect(Object.entries(await countsOf(big.user.id)).filter(([, n]) => n !== 0)).toEqual([]);
});

it('refuses the account’s access tokens on every API process within a poll, and its refresh tokens', async () => {
  const user = await signedInUser(app.url);
  for (const on of [app, replica]) expect((await me(on, user.token)).data?.me?.id).toBe(user.user.id);
  await user.ok(DeleteAccountDocument, { password: PASSWORD });
  for (const on of [app, replica]) {
    await eventually(async () => {
      expect((await me(on, user.token)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  }
  const refreshed = await execute(app.url, RefreshTokenDocument, { refreshToken: user.refreshToken });
  expect(refreshed.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  const login = await execute(app.url, LoginDocument, { email: user.input.email, password: PASSWORD });
  expect(login.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

it('stops the calendar feed and the export links', async () => {
  const user = await signedInUser(app.url);
  await richAccount(user);
  const feed = local((await user.ok(CalendarFeedUrlDocument)).calendarFeedUrl);
  const links = await exportLinks(user);
  expect(await status(feed)).toBe(200);
  expect(await status(local(links.vcardUrl))).toBe(200);
  await user.ok(DeleteAccountDocument, { password: PASSWORD });
  expect(await status(feed)).toBe(404);
  for (const url of [links.jsonUrl, links.vcardUrl, links.icsUrl]) expect(await status(local(url))).toBe(404);
});

it('cancels the pending mail and removes its timers: the worker sends nothing of the account', async () => {
  const user = await signedInUser(app.url, { timezone: 'UTC' });
  await outreachSoon(user);
  const contact = await app.infra.ds.query<{ id: string }[]>(
    `INSERT INTO contacts (user_id, first_name, email) VALUES ($1, 'Grace', 'grace.deleted@example.test') RETURNING id`,
    [user.user.id],
  );
  await user.ok(RequestMeetingDocument, { contactId: contact[0].id, message: 'Could we talk?' });
  const pending = await app.infra.ds.query<{ id: string; send_at: Date }[]>(
    `SELECT id, send_at FROM scheduled_emails WHERE user_id = $1 AND status = 'PENDING'`,
    [user.user.id],
  );
  expect(pending.length).toBeGreaterThan(0);
  const queue = app.http.services.emailQueue;
  for (const p of pending) expect(await queue.getJob(sendJobId(p.id, p.send_at))).toBeDefined();

  await user.ok(DeleteAccountDocument, { password: PASSWORD });
  for (const p of pending) expect(await queue.getJob(sendJobId(p.id, p.send_at))).toBeUndefined();

  // A timer that survived anyway (Redis was away during the deletion) finds no row to send.
  await queue.add('scheduled_email__send', { scheduledEmailId: pending[0].id }, { jobId: 'stray-timer' });
  worker = await startEmailWorker(app, sink.url);
  await worker.waitProcessed('stray-timer');
  await worker.reconciler.sweep();
  expect(sink.messages.filter((m) => m.envelope.to.includes('grace.deleted@example.test'))).toEqual([]);
});

it('lets a message already handed to SMTP finish without an error, and records nothing of it', async () => {
  const user = await signedInUser(app.url, { timezone: 'UTC' });
  const [row] = await insertDueOutreach(app.infra.ds, user.user.id, {
    count: 1,
    tag: 'inflight',
    domain: 'gone.example',
  });
  worker ??= await startEmailWorker(app, sink.url);
  const failed: string[] = [];
  worker.worker.on('failed', (job) => failed.push(String(job?.id)));
  await sink.setMode('slow', { delayMs: 1_500 });
  try {
    const jobId = 'inflight-timer';
    await app.http.services.emailQueue.add('scheduled_email__send', { scheduledEmailId: row.id }, { jobId });
    // The server has the message and has not answered yet: the worker waits to record it SENT.
    await eventually(() => sink.messages.some((m) => m.raw.includes(row.message_id)));
    await execute(app.url, DeleteAccountDocument, { password: PASSWORD }, { token: user.token });
    // Done either way (completed or failed), then: completed, not failed.
    await eventually(() => worker!.processed.includes(jobId) || failed.includes(jobId), { timeoutMs: 15_000 });
    expect(failed).toEqual([]);
    expect(worker.processed).toContain(jobId);
  } finally {
    await sink.setMode('accept');
  }
  expect(await countsOf(user.user.id)).toMatchObject({ scheduled_emails: 0, email_events: 0, users: 0 });
});

it('sends the account’s address one confirmation, in fixed wording, that outlives the account', async () => {
  const user = await signedInUser(app.url, { name: 'Mallory <b>Evil</b>' });
  worker ??= await startEmailWorker(app, sink.url);
  await user.ok(DeleteAccountDocument, { password: PASSWORD });
  const [mail] = await eventually(() => {
    const found = sink.messages.filter((m) => m.envelope.to.includes(user.input.email));
    if (!found.length) throw new Error('no confirmation yet');
    return found;
  });
  expect(mail.parsed.subject).toBe('Your Rapport account was deleted');
  expect(mail.parsed.text).toContain('Your Rapport account was deleted');
  expect(mail.raw).not.toContain('Mallory');
  await eventually(async () => {
    const left = await app.infra.ds.query('SELECT 1 FROM account_notices WHERE to_email = $1', [user.input.email]);
    return left.length === 0;
  });
  expect(sink.messages.filter((m) => m.envelope.to.includes(user.input.email))).toHaveLength(1);
});

it('sends no confirmation to an address that was never verified', async () => {
  const user = await unverifiedUser(app);
  await user.ok(DeleteAccountDocument, { password: PASSWORD });
  const notices = await app.infra.ds.query('SELECT 1 FROM account_notices WHERE to_email = $1', [user.input.email]);
  expect(notices).toEqual([]);
});

it('re-queues a notice whose job was lost, and sends nothing to a suppressed address', async () => {
  worker ??= await startEmailWorker(app, sink.url);
  const [lost, suppressed] = ['lost-job@example.test', 'opted-out@example.test'];
  await app.infra.ds.query(`INSERT INTO email_suppressions (email, reason) VALUES ($1, 'UNSUBSCRIBED')`, [suppressed]);
  await app.infra.ds.query(
    `INSERT INTO account_notices (kind, to_email, message_id, created_at)
     SELECT 'ACCOUNT_DELETED', e, '<' || gen_random_uuid() || '@example.test>', now() - interval '2 minutes'
       FROM unnest($1::text[]) e`,
    [[lost, suppressed]],
  );
  expect(await app.http.services.accountNotices.requeue()).toBeGreaterThanOrEqual(2);
  await eventually(async () => (await app.infra.ds.query('SELECT 1 FROM account_notices')).length === 0);
  expect(sink.messages.filter((m) => m.envelope.to.includes(lost))).toHaveLength(1);
  expect(sink.messages.filter((m) => m.envelope.to.includes(suppressed))).toEqual([]);
});
