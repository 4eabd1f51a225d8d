import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { SqlCounter } from '../helpers/sql-counter';
import { JobLeadsDocument } from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  // 60 leads, each at one of 20 organisations, from one of 60 contacts, referred by another.
  await app.infra.ds.query(
    `WITH orgs AS (
       INSERT INTO organisations (user_id, name) SELECT $1, 'Org ' || i FROM generate_series(1, 20) i RETURNING id
     ), numbered AS (SELECT id, row_number() OVER () AS n FROM orgs),
     people AS (
       INSERT INTO contacts (user_id, first_name) SELECT $1, 'Person ' || i FROM generate_series(1, 60) i RETURNING id
     ), ranked AS (SELECT id, row_number() OVER () AS n FROM people)
     INSERT INTO job_leads (user_id, organisation_id, contact_id, referred_by_id, title, deadline, status_history)
     SELECT $1, (SELECT id FROM numbered WHERE n = 1 + r.n % 20), r.id,
            (SELECT id FROM ranked WHERE n = 1 + r.n % 60), 'Lead ' || r.n, current_date + r.n::int,
            '[{"status": "INTERESTED", "at": "2026-12-01T00:00:00.000Z"}]'
     FROM ranked r`,
    [ada.user.id],
  );
});
afterAll(() => app.close());

const page = async (first: number) => {
  let size = 0;
  const statements = await sql.during(async () => {
    const { jobLeads } = await ada.ok(JobLeadsDocument, { first });
    size = jobLeads.edges.length;
    expect(jobLeads.edges.every((e) => e.node.organisation && e.node.contact && e.node.referredBy)).toBe(true);
  });
  expect(size).toBe(first);
  return statements;
};

it('loads a page of job leads with organisation, contact and referrer in a constant number of statements', async () => {
  const small = await page(5);
  const large = await page(50);
  expect(large.length).toBe(small.length);
});
