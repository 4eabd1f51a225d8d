import { signedInUser } from '../helpers/factories';
import { startTestApp, type TestApp } from '../helpers/app';
import { RandomWrites, seeded } from './random-writes';
import { serverState, SyncClient } from './sync-client';

// A mobile client that keeps a local copy and syncs with updatedSince and deletedSince, a page
// at a time, converges to the server's state after random creates, edits, deletes, merges and
// imports, including writes made while it walks the pages.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const ROUNDS = 8;
const WRITES_PER_ROUND = 30;

it('converges to the server after a few hundred random writes, some made during its page walks', async () => {
  const user = await signedInUser(app.url);
  const writes = new RandomWrites(user, app.infra.ds, seeded(16));
  const client = new SyncClient(user, 7);
  const during = seeded(61);
  expect((await client.sync()).full).toBe(true);
  let incremental = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < WRITES_PER_ROUND; i++) await writes.one();
    const quiet = await client.sync();
    incremental += quiet.upserts;
    // Nothing was written during that sync: the copy is the server's, exactly.
    expect(client.state).toEqual(await serverState(user));
    // Writes beside the page requests land before or after the cursor; the next sync catches them.
    for (let i = 0; i < 5; i++) await writes.one();
    await client.sync(() => (during.next() < 0.5 ? writes.one() : Promise.resolve()));
  }
  await client.sync();
  expect(client.state).toEqual(await serverState(user));

  // It read changes, not everything each time, and the run exercised every kind of write.
  const total = Object.values(client.state).reduce((n, byId) => n + Object.keys(byId).length, 0);
  expect(incremental).toBeLessThan(total * ROUNDS);
  expect(Object.keys(writes.done).sort()).toEqual(
    [
      'cancelMeeting',
      'createCommitment',
      'createContact',
      'createInsight',
      'createJobLead',
      'createOrganisation',
      'createQuestion',
      'deleteCommitment',
      'deleteContact',
      'deleteInsight',
      'deleteJobLead',
      'deleteOrganisation',
      'deleteQuestion',
      'importContacts',
      'mergeContacts',
      'scheduleMeeting',
      'updateCommitment',
      'updateContact',
      'updateInsight',
      'updateJobLead',
      'updateMeeting',
      'updateOrganisation',
      'updateQuestion',
    ].sort(),
  );
  // A few hundred API writes and a sync of eight lists per round: minutes on a loaded machine.
}, 300_000);
