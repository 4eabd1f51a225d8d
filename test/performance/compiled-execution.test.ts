import { COMPILE_AFTER_RUNS, jitStats } from '../../src/core/graphql/jit-executor';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ok, postRaw, type GraphQLResponse } from '../helpers/graphql';

// A document sent more than COMPILE_AFTER_RUNS times is executed by graphql-jit instead of
// graphql-js. Each test sends the same document past that point and holds every answer to the
// first (interpreted) one: data, errors, codes, paths and locations.

let app: TestApp;
let ada: SignedInUser;
const RUNS = COMPILE_AFTER_RUNS + 3;

beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
});
afterAll(() => app.close());

const send = (query: string, variables: Record<string, unknown> = {}) =>
  postRaw<Record<string, unknown>>(app.url, { query, variables }, { token: ada.token });

/** Sends the same document RUNS times; every response must equal the first (status included). */
async function sameEveryTime(query: string, variables: () => Record<string, unknown> = () => ({})) {
  const answers: Pick<GraphQLResponse<unknown>, 'status' | 'data' | 'errors'>[] = [];
  const compiledBefore = jitStats.compiled;
  for (let i = 0; i < RUNS; i++) {
    const { status, data, errors } = await send(query, variables());
    answers.push({ status, data, errors });
  }
  for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  return { ...answers[0], compiled: jitStats.compiled - compiledBefore };
}

it('answers a nested read the same once compiled: lists, relations, cursors, counts, enums, dates', async () => {
  const contacts: string[] = [];
  for (const name of ['Ana', 'Ben', 'Cy']) {
    const { createContact } = ok(
      await send(`mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`, {
        input: { firstName: name, lastName: 'Lee', tags: ['energy'] },
      }),
    ) as { createContact: { id: string } };
    contacts.push(createContact.id);
  }
  for (const [i, contactId] of contacts.entries()) {
    const startsAt = new Date(Date.now() + (i + 1) * 86_400_000);
    ok(
      await send(`mutation($input: ScheduleMeetingInput!) { scheduleMeeting(input: $input) { id } }`, {
        input: { contactId, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) },
      }),
    );
  }
  const answer = await sameEveryTime(`query {
    me { id email timezone }
    meetings(first: 2) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id title status startsAt contact { fullName tags organisation { name } } agenda { id } } }
    }
    contacts(first: 5, sort: NAME) { edges { node { fullName stage meetings(first: 1) { totalCount } } } }
  }`);
  const data = answer.data as { meetings: { totalCount: number; edges: unknown[] }; contacts: { edges: unknown[] } };
  expect(answer.errors).toBeUndefined();
  expect(answer.compiled).toBe(1); // the later runs were the compiled plan's
  expect(data.meetings.totalCount).toBe(3);
  expect(data.meetings.edges).toHaveLength(2);
  expect(data.contacts.edges).toHaveLength(3);
});

it('fills in input defaults the client left out, and refuses bad variables the same way', async () => {
  const { createContact } = ok(await send(`mutation { createContact(input: { firstName: "Dee" }) { id } }`)) as {
    createContact: { id: string };
  };
  const schedule = `mutation($input: ScheduleMeetingInput!) {
    scheduleMeeting(input: $input) { sendThankYou sendFollowUp allowOverlap } }`;
  let day = 10;
  const answer = await sameEveryTime(schedule, () => {
    const startsAt = new Date(Date.now() + day++ * 86_400_000);
    return { input: { contactId: createContact.id, startsAt, endsAt: new Date(startsAt.getTime() + 1_800_000) } };
  });
  expect(answer.data).toEqual({ scheduleMeeting: { sendThankYou: true, sendFollowUp: true, allowOverlap: false } });
  expect(answer.compiled).toBe(1);

  const refused = await sameEveryTime(schedule, () => ({ input: { contactId: createContact.id, startsAt: 'soon' } }));
  expect(refused.status).toBe(400);
  expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

it('reports a resolver’s error with the same code, message, path and location', async () => {
  const partial = await sameEveryTime(`mutation {
    updateMeeting(id: "4c7c5f52-3d35-4d55-a8e9-0b3e6f1f2b0a", input: { title: "x" }) { id }
  }`);
  expect(partial.compiled).toBe(1);
  expect(partial.errors).toHaveLength(1);
  expect(partial.errors?.[0]).toMatchObject({ path: ['updateMeeting'], extensions: { code: 'NOT_FOUND' } });
  expect(partial.errors?.[0].locations).toEqual([{ line: 2, column: 5 }]);

  const invalid = await sameEveryTime(`mutation { createQuestion(input: { category: OTHER, text: " " }) { id } }`);
  expect(invalid.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  expect(JSON.stringify(invalid.errors)).toContain('input.text');
});
