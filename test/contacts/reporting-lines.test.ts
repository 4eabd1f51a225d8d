import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';
import {
  ContactReportsToDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  DeleteContactDocument,
  MergeContactsDocument,
  OrganisationPeopleDocument,
  OrganisationsPeopleDocument,
  SetReportsToDocument,
  type CreateContactInput,
  type OrganisationPeopleQuery,
} from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
});
afterAll(() => app.close());

const contact = async (user: SignedInUser, input: CreateContactInput) =>
  (await user.ok(CreateContactDocument, { input })).createContact;
const organisation = async (user: SignedInUser, name: string) =>
  (await user.ok(CreateOrganisationDocument, { input: { name } })).createOrganisation;

type Node = NonNullable<OrganisationPeopleQuery['organisation']>['people']['roots'][number];
// "Name(Report(…), …)": the tree as one line, children in name order.
const shape = (nodes: Node[] | undefined): string =>
  (nodes ?? [])
    .map((n) => {
      const reports = 'reports' in n ? shape(n.reports as Node[]) : '';
      return reports ? `${n.contact.fullName}(${reports})` : n.contact.fullName;
    })
    .join(', ');

describe('reportsTo', () => {
  it('is set on create or update, read back, and cleared with null', async () => {
    const boss = await contact(ada, { firstName: 'Boss' });
    const report = await contact(ada, { firstName: 'Report', reportsToId: boss.id });
    expect((await ada.ok(ContactReportsToDocument, { id: report.id })).contact?.reportsTo).toEqual({ id: boss.id });
    const other = await contact(ada, { firstName: 'Other' });
    const moved = await ada.ok(SetReportsToDocument, { id: report.id, reportsToId: other.id });
    expect(moved.updateContact.reportsTo).toEqual({ id: other.id, fullName: 'Other' });
    const cleared = await ada.ok(SetReportsToDocument, { id: report.id, reportsToId: null });
    expect(cleared.updateContact.reportsTo).toBeNull();
  });

  it('refuses a circle (oneself included) with BAD_USER_INPUT on input.reportsToId', async () => {
    const a = await contact(ada, { firstName: 'A' });
    const b = await contact(ada, { firstName: 'B', reportsToId: a.id });
    const c = await contact(ada, { firstName: 'C', reportsToId: b.id });
    for (const reportsToId of [c.id, b.id, a.id]) {
      const res = await ada.run(SetReportsToDocument, { id: a.id, reportsToId });
      expect(errorOf(res).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'input.reportsToId' }],
      });
    }
    expect((await ada.ok(ContactReportsToDocument, { id: a.id })).contact?.reportsTo).toBeNull();
  });

  it("answers NOT_FOUND for another user's contact or a malformed id", async () => {
    const bob = await signedInUser(app.url);
    const theirs = await contact(bob, { firstName: 'Theirs' });
    const mine = await contact(ada, { firstName: 'Mine' });
    for (const reportsToId of [theirs.id, 'not-a-uuid']) {
      const res = await ada.run(SetReportsToDocument, { id: mine.id, reportsToId });
      expect(errorOf(res).extensions).toMatchObject({ code: 'NOT_FOUND', fields: [{ field: 'input.reportsToId' }] });
    }
  });

  it("clears the reports' link when their manager is deleted", async () => {
    const boss = await contact(ada, { firstName: 'Gone boss' });
    const report = await contact(ada, { firstName: 'Stays', reportsToId: boss.id });
    await ada.ok(DeleteContactDocument, { id: boss.id });
    expect((await ada.ok(ContactReportsToDocument, { id: report.id })).contact?.reportsTo).toBeNull();
  });

  it('moves reporting lines on a merge and never makes the kept contact its own manager', async () => {
    const keep = await contact(ada, { firstName: 'Keep' });
    const gone = await contact(ada, { firstName: 'Gone' });
    const report = await contact(ada, { firstName: 'Report', reportsToId: gone.id });
    await ada.ok(SetReportsToDocument, { id: keep.id, reportsToId: gone.id });
    await ada.ok(MergeContactsDocument, { keepId: keep.id, mergeId: gone.id });
    expect((await ada.ok(ContactReportsToDocument, { id: report.id })).contact?.reportsTo).toEqual({ id: keep.id });
    expect((await ada.ok(ContactReportsToDocument, { id: keep.id })).contact?.reportsTo).toBeNull();

    // The merged contact's own manager is inherited, unless that would close a circle.
    const boss = await contact(ada, { firstName: 'Boss' });
    const keep2 = await contact(ada, { firstName: 'Keep2' });
    const gone2 = await contact(ada, { firstName: 'Gone2', reportsToId: boss.id });
    await ada.ok(MergeContactsDocument, { keepId: keep2.id, mergeId: gone2.id });
    expect((await ada.ok(ContactReportsToDocument, { id: keep2.id })).contact?.reportsTo).toEqual({ id: boss.id });
    const x = await contact(ada, { firstName: 'X' });
    const keep3 = await contact(ada, { firstName: 'Keep3', reportsToId: x.id });
    const gone3 = await contact(ada, { firstName: 'Gone3' });
    await ada.ok(SetReportsToDocument, { id: x.id, reportsToId: gone3.id });
    await ada.ok(MergeContactsDocument, { keepId: keep3.id, mergeId: gone3.id });
    // X reported to the merged contact, so now to Keep3; Keep3 → X → Keep3 would be a circle.
    expect((await ada.ok(ContactReportsToDocument, { id: x.id })).contact?.reportsTo).toEqual({ id: keep3.id });
    expect((await ada.ok(ContactReportsToDocument, { id: keep3.id })).contact?.reportsTo).toBeNull();
  });
});

describe('Organisation.people', () => {
  it('shows the chain of command as a tree whose tops report to no one there', async () => {
    const acme = await organisation(ada, 'Acme');
    const parent = await organisation(ada, 'Acme Holdings');
    const group = await contact(ada, { firstName: 'Group CEO', organisationId: parent.id });
    const ceo = await contact(ada, { firstName: 'Cee', reportsToId: group.id, organisationId: acme.id });
    const cto = await contact(ada, { firstName: 'Tee', reportsToId: ceo.id, organisationId: acme.id });
    await contact(ada, { firstName: 'Dev', lastName: 'Two', reportsToId: cto.id, organisationId: acme.id });
    await contact(ada, { firstName: 'Dev', lastName: 'One', reportsToId: cto.id, organisationId: acme.id });
    await contact(ada, { firstName: 'Cfo', reportsToId: ceo.id, organisationId: acme.id });
    await contact(ada, { firstName: 'Freelancer', organisationId: acme.id });
    // Someone elsewhere who reports to Acme's CEO is not Acme's.
    await contact(ada, { firstName: 'Outsider', reportsToId: ceo.id });

    const { organisation: org } = await ada.ok(OrganisationPeopleDocument, { id: acme.id });
    expect(org?.people.total).toBe(6);
    expect(org?.people.truncated).toBe(false);
    expect(shape(org?.people.roots)).toBe('Cee(Cfo, Tee(Dev One, Dev Two)), Freelancer');
    expect(org?.people.roots[0].reports[1].reports[0].depth).toBe(2);
  });

  it('caps the tree at 10 levels and says so', async () => {
    const deep = await organisation(ada, 'Deep');
    let managerId: string | undefined;
    for (let i = 0; i < 13; i++) {
      const c = await contact(ada, { firstName: `L${i}`, organisationId: deep.id, reportsToId: managerId });
      managerId = c.id;
    }
    const { organisation: org } = await ada.ok(OrganisationPeopleDocument, { id: deep.id });
    expect(org?.people).toMatchObject({ total: 13, truncated: true });
    // The query asks for three levels; the top of the chain is what stays.
    expect(shape(org?.people.roots)).toBe('L0(L1(L2))');
  });

  it('reads the people of a page of organisations in one statement', async () => {
    const bob = await signedInUser(app.url);
    for (let i = 0; i < 5; i++) {
      const org = await organisation(bob, `Org ${i}`);
      const top = await contact(bob, { firstName: `Top ${i}`, organisationId: org.id });
      await contact(bob, { firstName: `Below ${i}`, organisationId: org.id, reportsToId: top.id });
    }
    let roots = 0;
    const statements = await sql.during(async () => {
      const { organisations } = await bob.ok(OrganisationsPeopleDocument, { first: 10 });
      roots = organisations.edges.reduce((n, e) => n + e.node.people.roots.length, 0);
    });
    expect(roots).toBe(5);
    expect(statements.filter((s) => /WITH RECURSIVE tree/.test(s))).toHaveLength(1);
  });

  it("never shows another user's people", async () => {
    const bob = await signedInUser(app.url);
    const acme = await organisation(ada, 'Private');
    await contact(ada, { firstName: 'Secret', organisationId: acme.id });
    expect((await bob.ok(OrganisationPeopleDocument, { id: acme.id })).organisation).toBeNull();
  });
});
