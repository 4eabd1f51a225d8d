import { DISMISSALS_MAX } from '../../src/modules/contacts/duplicates/duplicate-contacts.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CompleteMeetingDocument,
  CreateContactDocument,
  CreateJobLeadDocument,
  CreateOrganisationDocument,
  DismissDuplicateContactsDocument,
  DuplicateContactsDocument,
  InteractionsDocument,
  LogInteractionDocument,
  MergeContactsDocument,
  ScheduleMeetingDocument,
  type CreateContactInput,
  type DuplicateContactsQuery,
} from '../generated/graphql';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const HOUR = 3600_000;
const at = (hours: number) => new Date(Math.floor((Date.now() + hours * HOUR) / 60_000) * 60_000).toISOString();
const contact = async (user: SignedInUser, input: CreateContactInput) =>
  (await user.ok(CreateContactDocument, { input })).createContact;
const organisation = async (user: SignedInUser, name: string) =>
  (await user.ok(CreateOrganisationDocument, { input: { name } })).createOrganisation;

/** Every column that references a contact, from the database itself: a new table cannot be missed. */
async function contactColumns(): Promise<{ table: string; column: string }[]> {
  return app.infra.ds.query(
    `SELECT kcu.table_name AS "table", kcu.column_name AS "column"
     FROM information_schema.referential_constraints rc
     JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
     JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name AND ccu.constraint_schema = rc.unique_constraint_schema
     WHERE ccu.table_name = 'contacts' AND kcu.table_schema = current_schema()
     UNION
     SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name = 'contact_id'
     ORDER BY 1, 2`,
  );
}

const referencesTo = async (id: string) => {
  const counts: Record<string, number> = {};
  for (const { table, column } of await contactColumns()) {
    const [{ n }] = await app.infra.ds.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}" = $1`, [id]);
    counts[`${table}.${column}`] = n;
  }
  return counts;
};

describe('duplicateContacts', () => {
  it('suggests pairs by email, LinkedIn profile and similar names at one organisation, a page at a time', async () => {
    const ada = await signedInUser(app.url);
    const acme = await organisation(ada, 'Acme');
    const other = await organisation(ada, 'Other');
    const a1 = await contact(ada, { firstName: 'Grace', linkedinUrl: 'https://www.linkedin.com/in/grace-h' });
    const a2 = await contact(ada, { firstName: 'Amazing Grace', linkedinUrl: 'https://LinkedIn.com/in/Grace-H/?x=1' });
    const b1 = await contact(ada, { firstName: 'John', lastName: 'Smith', organisationId: acme.id });
    const b2 = await contact(ada, { firstName: 'J.', lastName: 'Smith', organisationId: acme.id });
    await contact(ada, { firstName: 'Jane', lastName: 'Smith', organisationId: other.id });
    // Stored emails are unique already; an older row written with other case still counts.
    const c1 = await contact(ada, { firstName: 'Old', email: 'old@x.example' });
    const c2 = await contact(ada, { firstName: 'Older', email: 'other@x.example' });
    await app.infra.ds.query(`UPDATE contacts SET email = 'OLD@x.example' WHERE id = $1`, [c2.id]);

    const seen: { reason: string; ids: string[] }[] = [];
    let after: string | null | undefined = null;
    for (let page = 0; page < 5; page++) {
      const response: DuplicateContactsQuery = await ada.ok(DuplicateContactsDocument, { first: 1, after });
      const { duplicateContacts } = response;
      seen.push(...duplicateContacts.pairs.map((p) => ({ reason: p.reason, ids: [p.contact.id, p.duplicate.id] })));
      if (!duplicateContacts.hasNextPage) break;
      after = duplicateContacts.endCursor;
    }
    expect(seen.sort((x, y) => x.reason.localeCompare(y.reason))).toEqual([
      { reason: 'SAME_EMAIL', ids: [c1.id, c2.id] },
      { reason: 'SAME_LINKEDIN_URL', ids: [a1.id, a2.id] },
      { reason: 'SIMILAR_NAME_SAME_ORGANISATION', ids: [b1.id, b2.id] },
    ]);

    // Another user sees none of them; page sizes are bounded.
    const bob = await signedInUser(app.url);
    expect((await bob.ok(DuplicateContactsDocument, {})).duplicateContacts.pairs).toEqual([]);
    expect(errorOf(await ada.run(DuplicateContactsDocument, { first: 1000 })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'first' }],
    });
  });
  it('suggests no pairs from a key shared by more contacts than one person could be (bounded work)', async () => {
    const ada = await signedInUser(app.url);
    const bank = await organisation(ada, 'Big Bank');
    // Eleven J. Smiths at one bank: 55 pairs if each were suggested, and n² for a crafted network.
    for (const first of ['Jo', 'Jan', 'Jim', 'Joe', 'Jon', 'Jay', 'Jed', 'Jas', 'Jem', 'Jud', 'Jax'])
      await contact(ada, { firstName: first, lastName: 'Smith', organisationId: bank.id });
    const ann1 = await contact(ada, { firstName: 'Ann', lastName: 'Lee', organisationId: bank.id });
    const ann2 = await contact(ada, { firstName: 'A.', lastName: 'Lee', organisationId: bank.id });
    const { duplicateContacts } = await ada.ok(DuplicateContactsDocument, { first: 100 });
    expect(duplicateContacts.pairs.map((p) => [p.reason, p.contact.id, p.duplicate.id])).toEqual([
      ['SIMILAR_NAME_SAME_ORGANISATION', ann1.id, ann2.id],
    ]);
  });

  it('stops suggesting a pair the user dismissed, for good and idempotently, and for nobody else', async () => {
    const ada = await signedInUser(app.url);
    const acme = await organisation(ada, 'Acme');
    const john = await contact(ada, { firstName: 'John', lastName: 'Smith', organisationId: acme.id });
    const jane = await contact(ada, { firstName: 'J.', lastName: 'Smith', organisationId: acme.id });
    const grace1 = await contact(ada, { firstName: 'Grace', email: 'grace@x.example' });
    const grace2 = await contact(ada, { firstName: 'Grace' });
    // An older row written with other case: the same address.
    await app.infra.ds.query(`UPDATE contacts SET email = 'GRACE@x.example' WHERE id = $1`, [grace2.id]);
    const pairs = async () =>
      (await ada.ok(DuplicateContactsDocument, { first: 100 })).duplicateContacts.pairs.map((p) =>
        [p.contact.id, p.duplicate.id].sort(),
      );
    expect(await pairs()).toHaveLength(2);

    // Either way round, twice: one dismissal.
    for (const [a, b] of [
      [jane.id, john.id],
      [john.id, jane.id],
    ]) {
      expect(
        (await ada.ok(DismissDuplicateContactsDocument, { contactId: a, otherContactId: b })).dismissDuplicateContacts,
      ).toBe(true);
    }
    expect(await pairs()).toEqual([[grace1.id, grace2.id].sort()]);
    const [{ n }] = await app.infra.ds.query('SELECT count(*)::int AS n FROM duplicate_dismissals WHERE user_id = $1', [
      ada.user.id,
    ]);
    expect(n).toBe(1);

    const same = errorOf(
      await ada.run(DismissDuplicateContactsDocument, { contactId: john.id, otherContactId: john.id }),
    );
    expect(same.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.otherContactId' }] });
    // Another user cannot dismiss Ada's pair (nor learn that the ids exist).
    const bob = await signedInUser(app.url);
    const foreign = errorOf(
      await bob.run(DismissDuplicateContactsDocument, { contactId: grace1.id, otherContactId: grace2.id }),
    );
    expect(foreign.extensions?.code).toBe('NOT_FOUND');
    expect(await pairs()).toHaveLength(1);

    // Each dismissal is a row: past DISMISSALS_MAX one user can store no more.
    await app.infra.ds.query(
      `INSERT INTO duplicate_dismissals (user_id, contact_id, other_contact_id)
       SELECT $1, $2, $3 FROM generate_series(2, $4)`,
      [ada.user.id, john.id, jane.id, DISMISSALS_MAX],
    );
    const full = errorOf(
      await ada.run(DismissDuplicateContactsDocument, { contactId: grace1.id, otherContactId: grace2.id }),
    );
    expect(full.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.contactId' }] });
    expect(await pairs()).toHaveLength(1);
  });
});

describe('mergeContacts', () => {
  it('moves every row that points at the merged contact, fills empty fields and deletes it', async () => {
    const ada = await signedInUser(app.url);
    const globex = await organisation(ada, 'Globex');
    const keep = await contact(ada, {
      firstName: 'Hank',
      email: 'hank@home.example',
      tags: ['boss'],
      notes: 'From the conference.',
      connectedOn: '2022-05-01',
    });
    const introducer = await contact(ada, { firstName: 'Homer' });
    const marge = await contact(ada, { firstName: 'Marge' });
    const gone = await contact(ada, {
      firstName: 'Hank',
      lastName: 'Scorpio',
      email: 'Hank@Globex.example',
      title: 'CEO',
      organisationId: globex.id,
      introducedById: introducer.id,
      tags: ['volcano'],
      notes: 'Likes hammocks.',
      connectedOn: '2019-03-02',
    });
    // Meetings (past and upcoming, so emails are planned), insights, promises, job leads,
    // referrals (introductions by the merged contact).
    const past = (
      await ada.ok(ScheduleMeetingDocument, { input: { contactId: gone.id, startsAt: at(-3), endsAt: at(-2) } })
    ).scheduleMeeting;
    await ada.ok(CompleteMeetingDocument, {
      id: past.id,
      input: {
        insights: [{ category: 'CULTURE', text: 'Flat hierarchy.' }],
        commitments: [{ owner: 'ME', description: 'Send a thank-you hammock' }],
        jobLeads: [{ title: 'Henchman' }],
        referrals: [{ firstName: 'Frank', lastName: 'Grimes' }],
      },
    });
    await ada.ok(ScheduleMeetingDocument, { input: { contactId: gone.id, startsAt: at(48), endsAt: at(49) } });
    // Logged interactions on both sides: the timeline of the kept contact holds them all.
    await ada.ok(LogInteractionDocument, { contactId: gone.id, kind: 'CALL', note: 'Volcano tour' });
    await ada.ok(LogInteractionDocument, { contactId: keep.id, kind: 'COFFEE', note: 'Conference coffee' });

    // Dismissed pairs, with the merged contact on either side: they move like any reference.
    await ada.ok(DismissDuplicateContactsDocument, { contactId: gone.id, otherContactId: introducer.id });
    await ada.ok(DismissDuplicateContactsDocument, { contactId: marge.id, otherContactId: gone.id });
    // A lead the merged contact referred the user for.
    await ada.ok(CreateJobLeadDocument, { input: { title: 'Volcano engineer', referredById: gone.id } });
    // Someone who reports to the merged contact.
    await contact(ada, { firstName: 'Smithers', reportsToId: gone.id });

    const before = await referencesTo(gone.id);
    // Every referencing column has rows to move, so the test proves each one is covered.
    expect(Object.entries(before).filter(([, n]) => n === 0)).toEqual([]);
    const keptBefore = await referencesTo(keep.id);

    const { mergeContacts: merged } = await ada.ok(MergeContactsDocument, { keepId: keep.id, mergeId: gone.id });
    expect(merged).toMatchObject({
      id: keep.id,
      firstName: 'Hank',
      lastName: 'Scorpio',
      email: 'hank@home.example',
      title: 'CEO',
      organisation: { id: globex.id },
      introducedBy: { id: introducer.id },
      tags: ['boss', 'volcano'],
      notes: 'From the conference.\n\nLikes hammocks.',
      // Connected since the earlier day of the two.
      connectedOn: '2019-03-02',
    });
    const after = await referencesTo(keep.id);
    for (const key of Object.keys(before)) expect([key, after[key]]).toEqual([key, before[key] + keptBefore[key]]);
    expect(Object.values(await referencesTo(gone.id)).every((n) => n === 0)).toBe(true);
    const [{ n }] = await app.infra.ds.query(`SELECT count(*)::int AS n FROM contacts WHERE id = $1`, [gone.id]);
    expect(n).toBe(0);
    // Planned emails now go to the kept contact's address.
    const pending = await app.infra.ds.query(
      `SELECT DISTINCT to_email FROM scheduled_emails
       WHERE contact_id = $1 AND status = 'PENDING' AND kind IN ('THANK_YOU', 'FOLLOW_UP')`,
      [keep.id],
    );
    expect(pending.map((r: { to_email: string }) => r.to_email)).toEqual(['hank@home.example']);
    const { interactions } = await ada.ok(InteractionsDocument, { contactId: keep.id, first: 50 });
    const logged = interactions.edges.map((e) => e.node).filter((i) => i.source === 'LOGGED');
    expect(logged.map((i) => i.note).sort()).toEqual(['Conference coffee', 'Volcano tour']);
  });

  it('never makes a contact introduce itself or a circle of introductions', async () => {
    const ada = await signedInUser(app.url);
    const keep = await contact(ada, { firstName: 'Keep' });
    const gone = await contact(ada, { firstName: 'Gone' });
    const x = await contact(ada, { firstName: 'X', introducedById: gone.id });
    await ada.ok(CreateContactDocument, { input: { firstName: 'unused' } });
    // keep was introduced by X, whom the merged contact introduced: keep → X → keep after a move.
    await app.infra.ds.query(`UPDATE contacts SET introduced_by_id = $1 WHERE id = $2`, [x.id, keep.id]);
    const { mergeContacts: merged } = await ada.ok(MergeContactsDocument, { keepId: keep.id, mergeId: gone.id });
    expect(merged.introducedBy).toBeNull();
    const [{ introduced_by_id }] = await app.infra.ds.query(`SELECT introduced_by_id FROM contacts WHERE id = $1`, [
      x.id,
    ]);
    expect(introduced_by_id).toBe(keep.id);
  });

  it("answers NOT_FOUND for another user's contact and changes nothing", async () => {
    const ada = await signedInUser(app.url);
    const bob = await signedInUser(app.url);
    const mine = await contact(ada, { firstName: 'Mine' });
    const theirs = await contact(bob, { firstName: 'Theirs', email: 'theirs@x.example' });
    for (const [keepId, mergeId] of [
      [mine.id, theirs.id],
      [theirs.id, mine.id],
      [mine.id, 'not-a-uuid'],
    ]) {
      expect(errorOf(await ada.run(MergeContactsDocument, { keepId, mergeId })).extensions?.code).toBe('NOT_FOUND');
    }
    const same = errorOf(await ada.run(MergeContactsDocument, { keepId: mine.id, mergeId: mine.id }));
    expect(same.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.mergeId' }] });
    const [{ n }] = await app.infra.ds.query(`SELECT count(*)::int AS n FROM contacts WHERE id = ANY($1)`, [
      [mine.id, theirs.id],
    ]);
    expect(n).toBe(2);
  });
});
