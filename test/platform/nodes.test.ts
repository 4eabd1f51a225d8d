import { COMPILE_AFTER_RUNS } from '../../src/core/graphql/jit-executor';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, ok, postRaw } from '../helpers/graphql';
import { SqlCounter } from '../helpers/sql-counter';

// Relay's node(id) and nodes(ids): any object of the user's, by its id alone, with its type;
// null for another user's id, an unknown one or a malformed one (the same answer: nothing says
// the object exists); nodes reads one statement to find the types and one per type.

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;
let eve: SignedInUser;
/** One object of each Node type of Ada's, by type name. */
const mine: Record<string, string> = {};

async function seed(user: SignedInUser): Promise<Record<string, string>> {
  const one = async (text: string, values: unknown[] = []) =>
    (await app.infra.ds.query<{ id: string }[]>(text, [user.user.id, ...values]))[0].id;
  const ids: Record<string, string> = { User: user.user.id };
  ids.Organisation = await one(`INSERT INTO organisations (user_id, name) VALUES ($1, 'Acme') RETURNING id`);
  ids.Contact = await one(
    `INSERT INTO contacts (user_id, first_name, organisation_id) VALUES ($1, 'Grace', $2) RETURNING id`,
    [ids.Organisation],
  );
  ids.Meeting = await one(
    `INSERT INTO meetings (user_id, contact_id, contact_name, title, starts_at, ends_at, timezone)
     VALUES ($1, $2, 'Grace', 'Coffee', now() + interval '1 day', now() + interval '25 hours', 'UTC') RETURNING id`,
    [ids.Contact],
  );
  ids.AgendaItem = await one(
    `INSERT INTO meeting_agenda_items (user_id, meeting_id, position, category, text) VALUES ($1, $2, 0, 'SKILLS_AND_TRAINING', 'How?') RETURNING id`,
    [ids.Meeting],
  );
  ids.Question = await one(
    `INSERT INTO questions (user_id, category, text) VALUES ($1, 'ADVICE', 'Any advice?') RETURNING id`,
  );
  ids.Insight = await one(
    `INSERT INTO insights (user_id, contact_id, category, text) VALUES ($1, $2, 'SALARY', 'Fair') RETURNING id`,
    [ids.Contact],
  );
  ids.Commitment = await one(
    `INSERT INTO commitments (user_id, contact_id, owner, description) VALUES ($1, $2, 'ME', 'Send CV') RETURNING id`,
    [ids.Contact],
  );
  ids.JobLead = await one(
    `INSERT INTO job_leads (user_id, organisation_id, title, status_history) VALUES ($1, $2, 'Analyst', '[]') RETURNING id`,
    [ids.Organisation],
  );
  ids.ScheduledEmail = await one(
    `INSERT INTO scheduled_emails (user_id, kind, dedupe_key, to_email, subject, send_at, message_id)
     VALUES ($1, 'KEEP_IN_TOUCH_DIGEST', 'digest:' || gen_random_uuid(), 'me@x.test', 'Digest', now() + interval '1 day',
             '<' || gen_random_uuid() || '@x.test>') RETURNING id`,
  );
  ids.EmailEvent = await one(
    `INSERT INTO email_events (user_id, scheduled_email_id, event) VALUES ($1, $2, 'PLANNED') RETURNING id`,
    [ids.ScheduledEmail],
  );
  return ids;
}

let theirs: Record<string, string>;
beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url);
  eve = await signedInUser(app.url);
  Object.assign(mine, await seed(ada));
  theirs = await seed(eve);
});
afterAll(() => app.close());

const ask = <T>(query: string, variables: Record<string, unknown>, token: string | null = ada.token) =>
  postRaw<T>(app.url, { query, variables }, token ? { token } : {});

const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Contact { firstName } ... on Meeting { title } } }`;

it('refetches an object of every Node type by its id alone, with its type', async () => {
  for (const [type, id] of Object.entries(mine)) {
    const { node } = ok(await ask<{ node: { __typename: string; id: string } }>(NODE, { id }));
    expect(node).toMatchObject({ __typename: type, id });
  }
  const { node } = ok(await ask<{ node: { firstName: string } }>(NODE, { id: mine.Contact }));
  expect(node.firstName).toBe('Grace');
});

it('answers null alike for another user’s id, an unknown id and a malformed one', async () => {
  for (const id of [...Object.values(theirs), '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
    const res = await ask<{ node: unknown }>(NODE, { id });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ node: null });
  }
});

it('refetches many ids in the order asked, one statement for the types and one per type', async () => {
  const ids = [mine.Meeting, theirs.Contact, mine.Contact, mine.Insight, 'junk', mine.Contact, mine.Meeting];
  let res: Awaited<ReturnType<typeof ask<{ nodes: ({ __typename: string; id: string } | null)[] }>>> | undefined;
  const statements = await sql.during(async () => {
    res = await ask<{ nodes: ({ __typename: string; id: string } | null)[] }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`,
      { ids },
    );
  });
  expect(ok(res!).nodes).toEqual([
    { __typename: 'Meeting', id: mine.Meeting },
    null,
    { __typename: 'Contact', id: mine.Contact },
    { __typename: 'Insight', id: mine.Insight },
    null,
    { __typename: 'Contact', id: mine.Contact },
    { __typename: 'Meeting', id: mine.Meeting },
  ]);
  // The types, then meetings, contacts and insights.
  expect(statements).toHaveLength(4);
});

it('takes at most 100 ids, naming the argument', async () => {
  const ids = Array.from({ length: 101 }, () => mine.Contact);
  expect(errorOf(await ask(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }))).toMatchObject({
    extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'ids' }] },
  });
  const { nodes } = ok(
    await ask<{ nodes: unknown[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: ids.slice(1) }),
  );
  expect(nodes).toHaveLength(100);
});

it('asks for a signed-in user', async () => {
  expect(errorOf(await ask(NODE, { id: mine.Contact }, null)).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
});

it('answers the same once the document is sent often enough to be compiled (it stays on graphql-js)', async () => {
  const answers = [];
  for (let i = 0; i < COMPILE_AFTER_RUNS + 3; i++) answers.push(await ask(NODE, { id: mine.Meeting }));
  for (const answer of answers) {
    expect(answer.data).toEqual({ node: { __typename: 'Meeting', id: mine.Meeting, title: 'Coffee' } });
  }
});
