import type { Job } from 'bullmq';
import { Client } from 'pg';
import { MAINTENANCE_JOB, maintenanceProcessor } from '../../src/modules/maintenance/maintenance.worker';
import {
  CreateCommitmentDocument,
  CreateContactDocument,
  CreateJobLeadDocument,
  CreateOrganisationDocument,
  CreateQuestionDocument,
  DeleteAccountDocument,
  DeleteCommitmentDocument,
  DeleteContactDocument,
  DeleteJobLeadDocument,
  DeleteOrganisationDocument,
  DeleteQuestionDocument,
  MergeContactsDocument,
  SyncCheckpointDocument,
  SyncContactsDocument,
  SyncDeletedDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { PASSWORD, signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { richAccount } from '../exports/export-fixtures';

// deletedSince: every delete of a synced row, direct or not, leaves a tombstone for its owner
// alone, kept TOMBSTONE_RETENTION_DAYS and purged by the maintenance job; account deletion
// writes none. syncCheckpoint allows for transactions still running.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const checkpoint = async (user: SignedInUser) => (await user.ok(SyncCheckpointDocument)).syncCheckpoint;
const deletedSince = async (user: SignedInUser, since: string, first = 100) =>
  (await user.ok(SyncDeletedDocument, { since, first })).deletedSince.edges.map((e) => e.node);
const sorted = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

it('leaves a tombstone, by typename and id, for each kind deleted, seen by its owner alone', async () => {
  const ada = await signedInUser(app.url);
  const eve = await signedInUser(app.url);
  const since = await checkpoint(ada);
  const org = (await ada.ok(CreateOrganisationDocument, { input: { name: 'Acme' } })).createOrganisation;
  const contact = (await ada.ok(CreateContactDocument, { input: { firstName: 'Zoë' } })).createContact;
  const promise = (await ada.ok(CreateCommitmentDocument, { input: { description: 'Send CV' } })).createCommitment;
  const lead = (await ada.ok(CreateJobLeadDocument, { input: { title: 'Engineer' } })).createJobLead;
  const question = (await ada.ok(CreateQuestionDocument, { input: { category: 'ADVICE', text: 'Why?' } }))
    .createQuestion;
  await ada.ok(DeleteOrganisationDocument, { id: org.id });
  await ada.ok(DeleteContactDocument, { id: contact.id });
  await ada.ok(DeleteCommitmentDocument, { id: promise.id });
  await ada.ok(DeleteJobLeadDocument, { id: lead.id });
  await ada.ok(DeleteQuestionDocument, { id: question.id });

  const tombstones = await deletedSince(ada, since);
  expect(sorted(tombstones.map(({ typename, id }) => ({ typename, id })))).toEqual(
    sorted([
      { typename: 'Organisation', id: org.id },
      { typename: 'Contact', id: contact.id },
      { typename: 'Commitment', id: promise.id },
      { typename: 'JobLead', id: lead.id },
      { typename: 'Question', id: question.id },
    ]),
  );
  // Oldest first, each at or after `since`.
  const times = tombstones.map((t) => Date.parse(t.deletedAt));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse(since));
  expect(await deletedSince(eve, since)).toEqual([]);
});

it('leaves tombstones for rows deleted indirectly: a merged contact, a meeting’s insights, promises, leads and emails', async () => {
  const ada = await signedInUser(app.url);
  const { held, contact } = await richAccount(ada);
  const twin = (await ada.ok(CreateContactDocument, { input: { firstName: 'Zoe' } })).createContact;
  const since = await checkpoint(ada);
  await ada.ok(MergeContactsDocument, { keepId: contact.id, mergeId: twin.id });
  // No mutation deletes a meeting today; its foreign keys cascade, and so would any future path.
  const ds = app.infra.ds;
  const owned = async (table: string) =>
    (await ds.query<{ id: string }[]>(`SELECT id FROM ${table} WHERE meeting_id = $1`, [held.id])).map((r) => r.id);
  const cascaded = {
    Insight: await owned('insights'),
    Commitment: await owned('commitments'),
    JobLead: await owned('job_leads'),
    ScheduledEmail: await owned('scheduled_emails'),
  };
  for (const ids of Object.values(cascaded)) expect(ids.length).toBeGreaterThan(0);
  await ds.query(`DELETE FROM meetings WHERE id = $1`, [held.id]);

  const expected = [
    { typename: 'Contact', id: twin.id },
    { typename: 'Meeting', id: held.id },
    ...Object.entries(cascaded).flatMap(([typename, ids]) => ids.map((id) => ({ typename, id }))),
  ];
  const got = (await deletedSince(ada, since)).map(({ typename, id }) => ({ typename, id }));
  expect(sorted(got)).toEqual(sorted(expected));
});

it('moves updatedAt on rows a cascade changes: contacts of a deleted organisation', async () => {
  const ada = await signedInUser(app.url);
  const org = (await ada.ok(CreateOrganisationDocument, { input: { name: 'Gone' } })).createOrganisation;
  const contact = (await ada.ok(CreateContactDocument, { input: { firstName: 'Ola', organisationId: org.id } }))
    .createContact;
  const before = (await ada.ok(SyncContactsDocument, { first: 100 })).contacts.edges[0].node;
  const since = await checkpoint(ada);
  await ada.ok(DeleteOrganisationDocument, { id: org.id });
  const changed = (await ada.ok(SyncContactsDocument, { since, first: 100 })).contacts.edges.map((e) => e.node);
  expect(changed).toEqual([expect.objectContaining({ id: contact.id, organisation: null })]);
  // The foreign key's SET NULL is a write like any other: the trigger stamps it.
  expect(Date.parse(changed[0].updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
  expect(Date.parse(changed[0].updatedAt)).toBeGreaterThanOrEqual(Date.parse(since));
});

it('pages tombstones a bounded page at a time, oldest first, without repeats', async () => {
  const ada = await signedInUser(app.url);
  const since = await checkpoint(ada);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { createQuestion } = await ada.ok(CreateQuestionDocument, { input: { category: 'OTHER', text: `Q${i}?` } });
    await ada.ok(DeleteQuestionDocument, { id: createQuestion.id });
    ids.push(createQuestion.id);
  }
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const {
      deletedSince: page,
    }: {
      deletedSince: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    } = await ada.ok(SyncDeletedDocument, { since, first: 2, after });
    expect(page.edges.length).toBeLessThanOrEqual(2);
    seen.push(...page.edges.map((e) => e.node.id));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    pages++;
  } while (after);
  expect(seen).toEqual(ids);
  expect(pages).toBe(3);
  const tooMany = errorOf(await ada.run(SyncDeletedDocument, { since, first: 101 }));
  expect(tooMany.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
});

it('answers SYNC_TOO_OLD, naming since, for a since older than the retention: the client reads everything again', async () => {
  const ada = await signedInUser(app.url);
  const since = new Date(Date.now() - 91 * 86_400_000).toISOString();
  const error = errorOf(await ada.run(SyncDeletedDocument, { since }));
  expect(error.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    reason: 'SYNC_TOO_OLD',
    field: 'since',
    fields: [{ field: 'since', message: expect.stringContaining('oldest deletion kept') }],
  });
  expect(Date.parse(error.extensions!.keptSince as string)).toBeGreaterThan(Date.parse(since));
  // Within the window, the same question is answered.
  const recent = new Date(Date.now() - 89 * 86_400_000).toISOString();
  expect(await deletedSince(ada, recent)).toEqual([]);
});

it('purges tombstones past the retention in the maintenance job, and keeps the newer ones', async () => {
  const ada = await signedInUser(app.url);
  const since = await checkpoint(ada);
  const made = [];
  for (const text of ['Old?', 'New?']) {
    const { createQuestion } = await ada.ok(CreateQuestionDocument, { input: { category: 'OTHER', text } });
    await ada.ok(DeleteQuestionDocument, { id: createQuestion.id });
    made.push(createQuestion.id);
  }
  const ds = app.infra.ds;
  await ds.query(`UPDATE sync_tombstones SET deleted_at = now() - interval '91 days' WHERE id = $1`, [made[0]]);
  const run = maintenanceProcessor(app.http.services, app.infra.logger);
  expect(await run({ name: MAINTENANCE_JOB.purgeTombstones } as Job)).toEqual({ purged: 1 });
  expect((await deletedSince(ada, since)).map((t) => t.id)).toEqual([made[1]]);
  expect(await ds.query(`SELECT id FROM sync_tombstones WHERE id = $1`, [made[0]])).toEqual([]);
});

it('writes no tombstone when an account is deleted, and leaves none of it', async () => {
  const ada = await signedInUser(app.url);
  await richAccount(ada);
  await ada.ok(DeleteQuestionDocument, {
    id: (await ada.ok(CreateQuestionDocument, { input: { category: 'OTHER', text: 'Q?' } })).createQuestion.id,
  });
  const ds = app.infra.ds;
  expect(await ds.query(`SELECT id FROM sync_tombstones WHERE user_id = $1`, [ada.user.id])).toHaveLength(1);
  // A tombstone written for this account from now on fails the deletion (the trigger goes after).
  await ds.query(`CREATE FUNCTION test_refuse_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'tombstone written during account deletion'; END $$`);
  await ds.query(`CREATE TRIGGER test_refuse_tombstone BEFORE INSERT ON sync_tombstones FOR EACH ROW
    WHEN (NEW.user_id = '${ada.user.id}') EXECUTE FUNCTION test_refuse_tombstone()`);
  try {
    expect((await ada.ok(DeleteAccountDocument, { password: PASSWORD })).deleteAccount).toBe(true);
  } finally {
    await ds.query(`DROP TRIGGER test_refuse_tombstone ON sync_tombstones`);
    await ds.query(`DROP FUNCTION test_refuse_tombstone()`);
  }
  expect(await ds.query(`SELECT id FROM sync_tombstones WHERE user_id = $1`, [ada.user.id])).toEqual([]);
});

it('takes the checkpoint from before a transaction still running, so its write is not missed', async () => {
  const ada = await signedInUser(app.url);
  const contact = (await ada.ok(CreateContactDocument, { input: { firstName: 'Slow' } })).createContact;
  const db = new Client({ connectionString: app.config.db.url });
  await db.connect();
  try {
    await db.query('BEGIN');
    const [{ started }] = (await db.query(`SELECT now() AS started`)).rows;
    await db.query(`UPDATE contacts SET notes = 'written by a slow transaction' WHERE id = $1`, [contact.id]);
    // Longer than the checkpoint's margin: only the running transaction's start keeps it early.
    await db.query(`SELECT pg_sleep(1.5)`);
    const since = await checkpoint(ada);
    expect(Date.parse(since)).toBeLessThanOrEqual(started.getTime());
    await db.query('COMMIT');
    const changed = (await ada.ok(SyncContactsDocument, { since, first: 100 })).contacts.edges.map((e) => e.node);
    expect(changed).toEqual([expect.objectContaining({ id: contact.id, notes: 'written by a slow transaction' })]);
  } finally {
    await db.end();
  }
});
