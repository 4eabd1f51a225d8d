import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';
import {
  CompleteMeetingDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  IntroductionPathsDocument,
  ScheduleMeetingDocument,
  SetReportsToDocument,
  type CreateContactInput,
  type IntroductionPathsQuery,
  type IntroductionPathsQueryVariables,
} from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;
const ids: Record<string, string> = {};
let acmeId: string;

const HOUR = 3600_000;
const at = (hours: number) => new Date(Math.floor((Date.now() + hours * HOUR) / 60_000) * 60_000).toISOString();
const contact = async (user: SignedInUser, input: CreateContactInput) =>
  (await user.ok(CreateContactDocument, { input })).createContact;
const organisation = async (user: SignedInUser, name: string) =>
  (await user.ok(CreateOrganisationDocument, { input: { name } })).createOrganisation;
const meet = async (user: SignedInUser, daysAgo: number, contactId: string, organisationId?: string) => {
  const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId, organisationId, startsAt: at(-daysAgo * 24), endsAt: at(-daysAgo * 24 + 1) },
  });
  return (await user.ok(CompleteMeetingDocument, { id: scheduleMeeting.id, input: {} })).completeMeeting;
};

type Path = IntroductionPathsQuery['introductionPaths']['paths'][number];
// "Fay>Dana": the people of a chain, first contact first.
const people = (path: Path) =>
  path.steps
    .filter((s) => s.reason !== 'WORKS_AT' && s.reason !== 'WORKED_AT')
    .map((s) => s.contact.fullName)
    .join('>');
const paths = async (user: SignedInUser, variables: IntroductionPathsQueryVariables) =>
  (await user.ok(IntroductionPathsDocument, variables)).introductionPaths;

/*
 * The graph (Acme is the target):
 *   Gus ─introduced→ Fay ─introduced→ Dana (Acme, decision maker) ─introduced→ Mo
 *                    Fay ─introduced→ Evan (Acme), who reports to Dana
 *   Hal ─suggested in a debrief→ Ivy (Acme)
 *   Wendy: met at Acme, now at Other
 * Warmth: Fay a friend, met, followed up, in touch 10 days ago (1.0); Hal and Wendy met and in
 * touch (0.75); everyone else never contacted (0.1).
 */
beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  const acme = await organisation(ada, 'Acme');
  const other = await organisation(ada, 'Other');
  acmeId = acme.id;
  ids.gus = (await contact(ada, { firstName: 'Gus' })).id;
  ids.fay = (
    await contact(ada, { firstName: 'Fay', email: 'fay@friends.example', howWeKnow: 'FRIEND', introducedById: ids.gus })
  ).id;
  ids.dana = (
    await contact(ada, { firstName: 'Dana', organisationId: acme.id, isDecisionMaker: true, introducedById: ids.fay })
  ).id;
  ids.mo = (await contact(ada, { firstName: 'Mo', introducedById: ids.dana })).id;
  ids.evan = (await contact(ada, { firstName: 'Evan', organisationId: acme.id, introducedById: ids.fay })).id;
  await ada.ok(SetReportsToDocument, { id: ids.evan, reportsToId: ids.dana });
  ids.hal = (await contact(ada, { firstName: 'Hal', organisationId: other.id })).id;
  const { scheduleMeeting: halMeeting } = await ada.ok(ScheduleMeetingDocument, {
    input: { contactId: ids.hal, startsAt: '2026-10-02T12:00:00Z', endsAt: '2026-10-02T13:00:00Z' },
  });
  await ada.ok(CompleteMeetingDocument, {
    id: halMeeting.id,
    input: { referrals: [{ firstName: 'Ivy', organisationId: acme.id }] },
  });
  ids.wendy = (await contact(ada, { firstName: 'Wendy', organisationId: other.id })).id;
  await meet(ada, 30, ids.wendy, acme.id);
  await meet(ada, 20, ids.fay);
  const [ivy] = await app.infra.ds.query(`SELECT id FROM contacts WHERE user_id = $1 AND first_name = 'Ivy'`, [
    ada.user.id,
  ]);
  ids.ivy = ivy.id;
  // Fay's thank-you went out; only Fay, Hal and Wendy were in touch lately.
  const [, sent] = await app.infra.ds.query(
    `UPDATE scheduled_emails SET status = 'SENT', sent_at = now() WHERE contact_id = $1 AND kind IN ('THANK_YOU', 'FOLLOW_UP')`,
    [ids.fay],
  );
  expect(sent).toBeGreaterThan(0);
  await app.infra.ds.query(
    `UPDATE contacts SET last_contacted_at = CASE WHEN id = ANY($2::uuid[]) THEN now() - interval '10 days' END
     WHERE user_id = $1`,
    [ada.user.id, [ids.fay, ids.hal, ids.wendy]],
  );
});
afterAll(() => app.close());

describe('introductionPaths', () => {
  it('ranks chains to an organisation: warm first links, fewer hops, decision makers at the end', async () => {
    const { paths: found, truncated } = await paths(ada, { to: { organisationId: acmeId }, maxHops: 2, first: 50 });
    expect(truncated).toBe(false);
    expect(found.map((p) => [people(p), p.score])).toEqual([
      ['Fay>Dana', 0.7],
      ['Hal>Ivy', 0.45],
      ['Wendy', 0.36],
      ['Dana', 0.1],
      ['Evan', 0.08],
      ['Ivy', 0.08],
      ['Evan>Dana', 0.08],
      ['Mo>Dana', 0.07],
      ['Dana>Evan', 0.064],
    ]);
    expect(found[0]).toMatchObject({ hops: 2, endsWithDecisionMaker: true });
    expect(found[0].steps.map((s) => [s.reason, s.text, s.warmth])).toEqual([
      [
        'YOUR_CONTACT',
        expect.stringMatching(
          /^Fay is one of your contacts: you met on .*, you followed up, last in touch on .*, a friend$/,
        ),
        1,
      ],
      ['INTRODUCED', 'Fay introduced you to Dana', 0.7],
      ['WORKS_AT', 'Dana works at Acme', 1],
    ]);
    expect(found[0].steps[2].organisation).toEqual({ id: acmeId });
    expect(found[1].steps.map((s) => [s.reason, s.text])).toEqual([
      ['YOUR_CONTACT', expect.stringContaining('Hal is one of your contacts: you met on 2026-10-02')],
      ['REFERRED_IN_MEETING', 'Hal suggested Ivy in your meeting on 2026-10-02'],
      ['WORKS_AT', 'Ivy works at Acme'],
    ]);
    expect(found[2].steps.map((s) => s.reason)).toEqual(['YOUR_CONTACT', 'WORKED_AT']);
    expect(found[2].steps[1].text).toMatch(/^Wendy was at Acme when you met on \d{4}-\d{2}-\d{2}$/);
    expect(found[3].steps[0].text).toBe('Dana is one of your contacts (not met yet)');
    expect(found.find((p) => people(p) === 'Mo>Dana')!.steps[1]).toMatchObject({
      reason: 'INTRODUCED_BY',
      text: 'Dana introduced you to Mo',
    });
    expect(found.find((p) => people(p) === 'Evan>Dana')!.steps[1]).toMatchObject({
      reason: 'REPORTS_TO',
      text: 'Evan reports to Dana',
    });
    expect(found.find((p) => people(p) === 'Dana>Evan')!.steps[1]).toMatchObject({
      reason: 'MANAGES',
      text: 'Evan reports to Dana',
    });
    // Circles everywhere (every link runs both ways; Fay, Dana and Evan form a triangle), yet no
    // chain visits anyone twice.
    for (const p of found) expect(new Set(p.steps.map((s) => s.contact.id)).size).toBe(p.hops);
  });

  it('stops at maxHops', async () => {
    const one = await paths(ada, { to: { organisationId: acmeId }, maxHops: 1 });
    expect(one.paths.map(people)).toEqual(['Wendy', 'Dana', 'Evan', 'Ivy']);
    const two = await paths(ada, { to: { organisationId: acmeId }, maxHops: 2, first: 50 });
    expect(two.paths.some((p) => people(p).startsWith('Gus'))).toBe(false);
    const three = await paths(ada, { to: { organisationId: acmeId }, maxHops: 3, first: 50 });
    const viaGus = three.paths.find((p) => people(p).startsWith('Gus>'));
    expect(viaGus && people(viaGus)).toBe('Gus>Fay>Dana');
    expect(viaGus?.steps[1].text).toBe('Gus introduced you to Fay');
    expect(Math.max(...three.paths.map((p) => p.hops))).toBe(3);
  });

  it('finds the ways to one contact, and keeps one best chain per first person and length', async () => {
    const { paths: found } = await paths(ada, { to: { contactId: ids.dana }, maxHops: 2 });
    // Dana is linked to three people (introduced by Fay, introduced Mo, manages Evan).
    expect(found.map(people)).toEqual(['Fay>Dana', 'Dana', 'Evan>Dana', 'Mo>Dana']);
    expect(found[0].steps.map((s) => s.reason)).toEqual(['YOUR_CONTACT', 'INTRODUCED']);
    const first = await paths(ada, { to: { organisationId: acmeId }, maxHops: 2, first: 2 });
    expect(first.paths.map(people)).toEqual(['Fay>Dana', 'Hal>Ivy']);
  });

  it('reads in a bounded number of statements, one of them the walk', async () => {
    const statements = await sql.during(() => paths(ada, { to: { organisationId: acmeId }, maxHops: 4, first: 50 }));
    expect(statements.filter((s) => s.includes('WITH RECURSIVE'))).toHaveLength(1);
    expect(statements.length).toBeLessThanOrEqual(3);
  });

  it("never shows another user's people, even through a link that crosses accounts", async () => {
    const bob = await signedInUser(app.url);
    const bobsOrg = await organisation(bob, 'Acme');
    const bobsPerson = await contact(bob, { firstName: 'Bobs', organisationId: bobsOrg.id });
    // A link no API allows: Bob's contact introduced by Ada's, and Ada's reporting to Bob's.
    await app.infra.ds.query(`UPDATE contacts SET introduced_by_id = $1 WHERE id = $2`, [ids.fay, bobsPerson.id]);
    await app.infra.ds.query(`UPDATE contacts SET reports_to_id = $1 WHERE id = $2`, [bobsPerson.id, ids.mo]);
    try {
      const mine = await paths(ada, { to: { organisationId: acmeId }, maxHops: 4, first: 50 });
      const theirs = await paths(bob, { to: { organisationId: bobsOrg.id }, maxHops: 4, first: 50 });
      expect(mine.paths.flatMap((p) => p.steps.map((s) => s.contact.id))).not.toContain(bobsPerson.id);
      expect(theirs.paths.map(people)).toEqual(['Bobs']);
    } finally {
      await app.infra.ds.query(`UPDATE contacts SET reports_to_id = NULL WHERE id = $1`, [ids.mo]);
    }
    for (const to of [{ organisationId: acmeId }, { contactId: ids.dana }]) {
      const field = to.organisationId ? 'to.organisationId' : 'to.contactId';
      expect(errorOf(await bob.run(IntroductionPathsDocument, { to })).extensions).toMatchObject({
        code: 'NOT_FOUND',
        fields: [{ field }],
      });
    }
  });

  it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
    const cases: [IntroductionPathsQueryVariables, string][] = [
      [{ to: { organisationId: acmeId, contactId: ids.dana } }, 'to'],
      [{ to: {} }, 'to'],
      [{ to: { organisationId: acmeId }, maxHops: 0 }, 'maxHops'],
      [{ to: { organisationId: acmeId }, maxHops: 5 }, 'maxHops'],
      [{ to: { organisationId: acmeId }, first: 51 }, 'first'],
    ];
    for (const [variables, field] of cases) {
      const error = errorOf(await ada.run(IntroductionPathsDocument, variables));
      expect([field, error.extensions?.code]).toEqual([field, 'BAD_USER_INPUT']);
      expect((error.extensions?.fields as { field: string }[]).map((f) => f.field)).toEqual([field]);
    }
    expect(errorOf(await ada.run(IntroductionPathsDocument, { to: { contactId: 'nope' } })).extensions?.code).toBe(
      'NOT_FOUND',
    );
  });
});

describe('introductionPaths on a hostile graph', () => {
  it('stays bounded on a dense graph full of circles and answers with a truncation flag', async () => {
    const eve = await signedInUser(app.url);
    const target = await organisation(eve, 'Everywhere');
    // 3,000 contacts: 1,500 at the target. Each was introduced by one of 30 hubs (thousands of
    // links each way), reports to the one before it (a chain through everyone), and everyone at
    // the target is linked to everyone else through the hubs: circles at every level.
    await app.infra.ds.query(
      `INSERT INTO contacts (user_id, first_name, organisation_id, last_contacted_at)
       SELECT $1, 'P' || i, CASE WHEN i % 2 = 0 THEN $2::uuid END, now() - i * interval '1 hour'
       FROM generate_series(1, 3000) i`,
      [eve.user.id, target.id],
    );
    await app.infra.ds.query(
      `WITH numbered AS (SELECT id, row_number() OVER (ORDER BY first_name) AS n FROM contacts WHERE user_id = $1)
       UPDATE contacts c SET
         introduced_by_id = (SELECT id FROM numbered h WHERE h.n = 1 + (x.n % 30)),
         reports_to_id = (SELECT id FROM numbered p WHERE p.n = x.n - 1)
       FROM numbered x WHERE x.id = c.id AND x.n > 30`,
      [eve.user.id],
    );
    const { paths: found, truncated } = await paths(eve, { to: { organisationId: target.id }, maxHops: 4, first: 50 });
    expect(truncated).toBe(true);
    expect(found).toHaveLength(50);
    for (const p of found) {
      expect(p.hops).toBeLessThanOrEqual(4);
      expect(new Set(p.steps.map((s) => s.contact.id)).size).toBe(p.hops);
    }
  });
});

describe('introductionPaths past the cap on links a person', () => {
  it('follows the warmest links first, then by id, whatever order the rows lie in on disk', async () => {
    const kim = await signedInUser(app.url);
    const target = await organisation(kim, 'Hubco');
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    // Hub decides at Hubco. Hub introduced 120 people (I001…I120, ids in that order; I081–I100
    // in touch lately) and 10 report to Hub (R01…R10, ids after them all): 130 links, 30 past the
    // cap of 100. Reporting lines are warmer (0.8) than introductions (0.7), so the walk keeps
    // the 10 reports and the first 90 introductions by id. Rows go in in reverse id order.
    await app.infra.ds.query(
      `INSERT INTO contacts (id, user_id, first_name, organisation_id, is_decision_maker) VALUES ($1, $2, 'Hub', $3, true)`,
      [id(5000), kim.user.id, target.id],
    );
    await app.infra.ds.query(
      `INSERT INTO contacts (id, user_id, first_name, reports_to_id)
       SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, $1, 'R' || lpad((i - 1000)::text, 2, '0'), $2
       FROM generate_series(1010, 1001, -1) i`,
      [kim.user.id, id(5000)],
    );
    await app.infra.ds.query(
      `INSERT INTO contacts (id, user_id, first_name, introduced_by_id, last_contacted_at)
       SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, $1, 'I' || lpad(i::text, 3, '0'), $2,
              CASE WHEN i BETWEEN 81 AND 100 THEN now() - interval '10 days' END
       FROM generate_series(120, 1, -1) i`,
      [kim.user.id, id(5000)],
    );
    const onDisk = async () =>
      (
        await app.infra.ds.query(
          `SELECT first_name FROM contacts WHERE user_id = $1 AND first_name LIKE 'I%' ORDER BY ctid LIMIT 1`,
          [kim.user.id],
        )
      )[0].first_name;
    const ask = async () =>
      (await paths(kim, { to: { organisationId: target.id }, maxHops: 2, first: 50 })).paths.map((p) => [
        people(p),
        p.score,
      ]);
    const range = (from: number, to: number, name: (n: number) => string) =>
      Array.from({ length: to - from + 1 }, (_, i) => name(from + i));
    const intro = (n: number) => `I${String(n).padStart(3, '0')}>Hub`;
    const expected = [
      // The warm introductions the walk kept (I091–I100 were past the cap), then Hub, the
      // reports, and the cold introductions by name.
      ...range(81, 90, intro).map((p) => [p, 0.245]),
      ['Hub', 0.1],
      ...range(1, 10, (n) => `R${String(n).padStart(2, '0')}>Hub`).map((p) => [p, 0.08]),
      ...range(1, 29, intro).map((p) => [p, 0.07]),
    ];
    expect(await onDisk()).toBe('I120');
    const before = await ask();
    expect(before).toEqual(expected);
    // The same rows, rewritten in id order.
    await app.infra.ds.query(`CLUSTER contacts USING contacts_pkey`);
    await app.infra.ds.query(`ALTER TABLE contacts SET WITHOUT CLUSTER`);
    expect(await onDisk()).toBe('I001');
    expect(await ask()).toEqual(before);
  });
});
