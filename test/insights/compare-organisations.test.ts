import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';
import {
  CompareOrganisationsDocument,
  CompleteMeetingDocument,
  CreateContactDocument,
  CreateInsightDocument,
  CreateOrganisationDocument,
  InsightsDocument,
  OrganisationsDocument,
  ScheduleMeetingDocument,
  type Topic,
} from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({}, { sql });
});
afterAll(() => app.close());

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

async function org(user: SignedInUser, name: string, industry: string | null) {
  return (await user.ok(CreateOrganisationDocument, { input: { name, industry } })).createOrganisation;
}
async function learn(
  user: SignedInUser,
  input: { category: Topic; text: string; meetingId?: string; contactId?: string; organisationId?: string },
) {
  return (await user.ok(CreateInsightDocument, { input })).createInsight;
}

/**
 * Known answers: Acme (" Fin  Tech ") has four salary insights and one on culture from a meeting
 * with Grace; Globex ("fin tech") one on entry paths from Linus and one on salary on its own;
 * Initech ("FinTech", another industry once spaces count) one on hiring; Umbrella nothing.
 */
async function fixture() {
  const ada = await signedInUser(app.url);
  const acme = await org(ada, 'Acme', ' Fin  Tech ');
  const globex = await org(ada, 'Globex', 'fin tech');
  const initech = await org(ada, 'Initech', 'FinTech');
  const umbrella = await org(ada, 'Umbrella', 'Biotech');
  const { createContact: grace } = await ada.ok(CreateContactDocument, {
    input: { firstName: 'Grace', lastName: 'Hopper', organisationId: acme.id },
  });
  const { createContact: linus } = await ada.ok(CreateContactDocument, {
    input: { firstName: 'Linus', organisationId: globex.id },
  });
  const { scheduleMeeting: met } = await ada.ok(ScheduleMeetingDocument, {
    input: { contactId: grace.id, startsAt: at(-3), endsAt: at(-2) },
  });
  await ada.ok(CompleteMeetingDocument, { id: met.id, input: {} });
  const salary = [];
  for (const text of ['s1', 's2', 's3', 's4'])
    salary.push(await learn(ada, { meetingId: met.id, category: 'SALARY', text }));
  const culture = await learn(ada, { meetingId: met.id, category: 'CULTURE', text: 'c1' });
  const entry = await learn(ada, { contactId: linus.id, category: 'ENTRY_PATHS', text: 'e1' });
  const globexSalary = await learn(ada, { organisationId: globex.id, category: 'SALARY', text: 'g1' });
  const hiring = await learn(ada, { organisationId: initech.id, category: 'HIRING_CHANNELS', text: 'i1' });
  return { ada, acme, globex, initech, umbrella, grace, linus, met, salary, culture, entry, globexSalary, hiring };
}

describe('compareOrganisations', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  beforeAll(async () => {
    f = await fixture();
  });

  it('puts each category side by side, latest few per cell with the count, contact and date, and the gaps', async () => {
    const { ada, acme, globex, grace, linus, met, salary, culture, entry, globexSalary } = f;
    const { compareOrganisations: c } = await ada.ok(CompareOrganisationsDocument, {
      ids: [globex.id, acme.id],
      categories: ['CULTURE', 'SALARY', 'ENTRY_PATHS', 'SALARY'],
      perCategory: 3,
    });
    expect(c.matchedCount).toBe(2);
    expect(c.organisations.map((o) => o.name)).toEqual(['Globex', 'Acme']);
    const grid = c.rows.map((r) => [
      r.category,
      r.cells.map((cell) => [cell.organisation.id, cell.count, cell.insights.map((i) => i.text)]),
    ]);
    // Rows in the Topic order, cells in the order asked, newest first within a cell.
    expect(grid).toEqual([
      [
        'ENTRY_PATHS',
        [
          [globex.id, 1, ['e1']],
          [acme.id, 0, []],
        ],
      ],
      [
        'SALARY',
        [
          [globex.id, 1, ['g1']],
          [acme.id, 4, ['s4', 's3', 's2']],
        ],
      ],
      [
        'CULTURE',
        [
          [globex.id, 0, []],
          [acme.id, 1, ['c1']],
        ],
      ],
    ]);
    const acmeSalary = c.rows[1].cells[1].insights[0];
    expect(acmeSalary).toMatchObject({
      id: salary[3].id,
      createdAt: salary[3].createdAt,
      contact: { id: grace.id, fullName: 'Grace Hopper' },
      meeting: { id: met.id },
    });
    expect(c.rows[0].cells[0].insights[0]).toMatchObject({ id: entry.id, contact: { id: linus.id }, meeting: null });
    expect(c.rows[1].cells[0].insights[0]).toMatchObject({ id: globexSalary.id, contact: null });
    expect(c.rows[2].cells[1].insights[0].id).toBe(culture.id);
    expect(c.gaps).toEqual([
      { organisation: { id: globex.id }, categories: ['CULTURE'] },
      { organisation: { id: acme.id }, categories: ['ENTRY_PATHS'] },
    ]);
  });

  it('compares every category by default, an organisation with nothing learned being all gaps', async () => {
    const { ada, acme, umbrella } = f;
    const { compareOrganisations: c } = await ada.ok(CompareOrganisationsDocument, {
      ids: [umbrella.id, acme.id],
      perCategory: 1,
    });
    expect(c.rows).toHaveLength(12);
    expect(c.gaps[0].categories).toHaveLength(12);
    expect(c.gaps[1].categories).not.toContain('SALARY');
    expect(c.gaps[1].categories).toHaveLength(10);
    const salary = c.rows.find((r) => r.category === 'SALARY')!;
    expect(salary.cells.map((cell) => [cell.count, cell.insights.map((i) => i.text)])).toEqual([
      [0, []],
      [4, ['s4']],
    ]);
  });

  it('matches an industry ignoring case and extra white space, not missing spaces', async () => {
    const { ada, acme, globex, initech } = f;
    const byIndustry = async (industry: string) =>
      (await ada.ok(CompareOrganisationsDocument, { industry, categories: ['SALARY', 'HIRING_CHANNELS'] }))
        .compareOrganisations;
    // The one learned most about first.
    const fin = await byIndustry('  FIN   TECH ');
    expect(fin.organisations.map((o) => o.id)).toEqual([acme.id, globex.id]);
    expect(fin.matchedCount).toBe(2);
    const joined = await byIndustry('fintech');
    expect(joined.organisations.map((o) => o.id)).toEqual([initech.id]);
    expect(joined.rows[1].cells[0].insights.map((i) => i.text)).toEqual(['i1']);
    expect((await byIndustry('Fin Tech Ltd')).organisations).toEqual([]);

    // The insights and organisations filters match the same way.
    const { insights } = await ada.ok(InsightsDocument, { filter: { industry: ' fin   TECH' } });
    expect(insights.edges.map((e) => e.node.text).sort()).toEqual(['c1', 'e1', 'g1', 's1', 's2', 's3', 's4']);
    const { insights: joinedInsights } = await ada.ok(InsightsDocument, { filter: { industry: 'FINTECH' } });
    expect(joinedInsights.edges.map((e) => e.node.text)).toEqual(['i1']);
    const { organisations } = await ada.ok(OrganisationsDocument, { first: 10, filter: { industry: 'Fin Tech' } });
    expect(organisations.edges.map((e) => e.node.name).sort()).toEqual(['Acme', 'Globex']);
  });

  it('reads a bounded number of statements however much there is', async () => {
    const { ada, acme, globex, initech } = f;
    const statements = await sql.during(() =>
      ada.ok(CompareOrganisationsDocument, { ids: [acme.id, globex.id, initech.id], perCategory: 10 }),
    );
    // The organisations, every cell's insights, then their contacts and meetings (batched).
    expect(statements).toHaveLength(4);
  });

  it('names the argument it refuses, and never shows another user’s organisations', async () => {
    const { ada, acme, globex } = f;
    const bob = await signedInUser(app.url);
    const bobs = await org(bob, 'Bob Fintech', 'Fin Tech');
    await learn(bob, { organisationId: bobs.id, category: 'SALARY', text: 'Bob’s secret' });
    const ids = Array.from({ length: 11 }, () => acme.id);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ids: [acme.id] }, 'BAD_USER_INPUT', 'ids'],
      [{ ids }, 'BAD_USER_INPUT', 'ids'],
      [{ ids: [acme.id, acme.id] }, 'BAD_USER_INPUT', 'ids'],
      [{}, 'BAD_USER_INPUT', 'ids'],
      [{ ids: [acme.id, globex.id], industry: 'fintech' }, 'BAD_USER_INPUT', 'industry'],
      [{ industry: '   ' }, 'BAD_USER_INPUT', 'industry'],
      [{ industry: 'x'.repeat(101) }, 'BAD_USER_INPUT', 'industry'],
      [{ industry: 'fin\u0000tech' }, 'BAD_USER_INPUT', 'industry'],
      [{ ids: [acme.id, globex.id], categories: [] }, 'BAD_USER_INPUT', 'categories'],
      [{ ids: [acme.id, globex.id], perCategory: 0 }, 'BAD_USER_INPUT', 'perCategory'],
      [{ ids: [acme.id, globex.id], perCategory: 11 }, 'BAD_USER_INPUT', 'perCategory'],
      [{ ids: [acme.id, bobs.id] }, 'NOT_FOUND', 'ids[1]'],
      [{ ids: ['not-a-uuid', acme.id] }, 'NOT_FOUND', 'ids[0]'],
    ];
    for (const [variables, code, field] of cases) {
      const res = await ada.run(CompareOrganisationsDocument, variables);
      expect([variables, errorOf(res).extensions]).toMatchObject([variables, { code, fields: [{ field }] }]);
    }
    const { compareOrganisations } = await ada.ok(CompareOrganisationsDocument, { industry: 'fin tech' });
    expect(compareOrganisations.organisations.map((o) => o.name)).toEqual(['Acme', 'Globex']);
    const theirs = await bob.ok(CompareOrganisationsDocument, { industry: 'fin tech', categories: ['SALARY'] });
    expect(theirs.compareOrganisations.rows[0].cells.map((c) => c.insights.map((i) => i.text))).toEqual([
      ['Bob’s secret'],
    ]);
  });
});
