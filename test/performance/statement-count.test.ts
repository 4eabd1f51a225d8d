import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { SqlCounter } from '../helpers/sql-counter';
import { MeetingsDocument } from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  // 60 meetings with 60 different contacts, each at one of 20 organisations.
  await app.infra.ds.query(
    `WITH orgs AS (
       INSERT INTO organisations (user_id, name) SELECT $1, 'Org ' || i FROM generate_series(1, 20) i RETURNING id
     ), numbered AS (SELECT id, row_number() OVER () AS n FROM orgs),
     people AS (
       INSERT INTO contacts (user_id, first_name, organisation_id)
       SELECT $1, 'Person ' || i, (SELECT id FROM numbered WHERE n = 1 + i % 20) FROM generate_series(1, 60) i
       RETURNING id, organisation_id
     )
     INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone)
     SELECT $1, p.id, 'Person', p.organisation_id, 'Meeting', now() + (row_number() OVER ()) * interval '1 day',
            now() + (row_number() OVER ()) * interval '1 day' + interval '1 hour', 'UTC'
     FROM people p`,
    [ada.user.id],
  );
});
afterAll(() => app.close());

const page = async (first: number) => {
  let size = 0;
  const statements = await sql.during(async () => {
    const { meetings } = await ada.ok(MeetingsDocument, { first });
    size = meetings.edges.length;
    expect(meetings.edges.every((e) => e.node.contact?.organisation?.name.startsWith('Org '))).toBe(true);
  });
  expect(size).toBe(first);
  return statements;
};

it('loads a page of meetings with contact, contact.organisation and organisation in a constant number of statements', async () => {
  const small = await page(5);
  const large = await page(50);
  expect(large.length).toBe(small.length);
  // The page, with contact, contact.organisation and organisation joined in, and its totalCount.
  expect(large.length).toBe(2);
});
