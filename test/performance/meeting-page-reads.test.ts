import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLObjectType,
} from 'graphql';
import { type EntityReader } from '../../src/core/db/entity-reader';
import { meetingReaders } from '../../src/modules/meetings/meeting-page';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ok, postRaw } from '../helpers/graphql';

// A meetings page reads only the columns the client selected (and joins its to-one relations).
// These tests hold it to the answers of the whole-row reads that `meeting(id)` and
// `contact(id)` make through TypeORM.

const schema = buildSchema(readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8'));

/** Every scalar and enum field of a type that takes no required argument. */
function scalars(typeName: string): string {
  const type = schema.getType(typeName) as GraphQLObjectType;
  return Object.values(type.getFields())
    .filter((f) => !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined))
    .filter((f) => isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type)))
    .map((f) => f.name)
    .join(' ');
}

const MEETING = scalars('Meeting');
const CONTACT = scalars('Contact');
const ORGANISATION = scalars('Organisation');
const WHOLE = `${MEETING} contact { ${CONTACT} organisation { ${ORGANISATION} } } organisation { ${ORGANISATION} }`;

let app: TestApp;
let ada: SignedInUser;

async function query<T>(text: string, variables: Record<string, unknown> = {}): Promise<T> {
  return ok(await postRaw<T>(app.url, { query: text, variables }, { token: ada.token }));
}

type Node = Record<string, unknown> & { id: string };

beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
  // 30 meetings: contacts with and without last names, emails and organisations; some
  // meetings without an organisation, one whose contact was deleted.
  await app.infra.ds.query(
    `WITH orgs AS (
       INSERT INTO organisations (user_id, name, industry, location, website)
       SELECT $1, 'Org ' || i, CASE WHEN i % 2 = 0 THEN 'Energy' END, 'City ' || i, 'https://org' || i || '.example'
       FROM generate_series(1, 4) i RETURNING id
     ), numbered AS (SELECT id, row_number() OVER () AS n FROM orgs),
     people AS (
       INSERT INTO contacts (user_id, first_name, last_name, email, title, notes, organisation_id)
       SELECT $1, 'Person ' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'Last' || i END,
              CASE WHEN i % 4 = 0 THEN NULL ELSE 'p' || i || '@people.example' END, 'Role ' || i, 'Notes ' || i,
              CASE WHEN i % 5 = 0 THEN NULL ELSE (SELECT id FROM numbered WHERE n = 1 + i % 4) END
       FROM generate_series(1, 30) i
       RETURNING id, organisation_id
     )
     INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone, location)
     SELECT $1, p.id, 'Person', CASE WHEN n % 2 = 0 THEN p.organisation_id END, 'Meeting ' || n,
            now() + n * interval '1 day', now() + n * interval '1 day' + interval '45 minutes', 'Europe/Paris',
            CASE WHEN n % 3 = 0 THEN 'Café' END
     FROM (SELECT p.*, row_number() OVER () AS n FROM people p) p`,
    [ada.user.id],
  );
  await app.infra.ds.query(
    `DELETE FROM contacts WHERE id = (SELECT contact_id FROM meetings WHERE title = 'Meeting 7' AND user_id = $1)`,
    [ada.user.id],
  );
});
afterAll(() => app.close());

/** The meeting as `meeting(id)` answers it: whole rows through TypeORM and the loaders. */
async function reference(id: string): Promise<Node> {
  const { meeting } = await query<{ meeting: Node }>(`query($id: ID!) { meeting(id: $id) { ${WHOLE} } }`, { id });
  return meeting;
}

/** `value` restricted to the shape of `shape` (the fields a smaller query selected). */
function pick(value: unknown, shape: unknown): unknown {
  if (shape === null || typeof shape !== 'object' || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(shape).map((k) => [k, pick((value as never)[k], (shape as never)[k])]));
}

it('pages selecting every field answer exactly as the whole-row reads do', async () => {
  type Page = { totalCount: number; edges: { node: Node }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
  const nodes: Node[] = [];
  let after: string | null = null;
  do {
    const { meetings }: { meetings: Page } = await query<{ meetings: Page }>(
      `query($after: String) { meetings(first: 10, after: $after) {
         totalCount pageInfo { endCursor hasNextPage } edges { node { ${WHOLE} } } } }`,
      { after },
    );
    expect(meetings.totalCount).toBe(30);
    nodes.push(...meetings.edges.map((e) => e.node));
    after = meetings.pageInfo.hasNextPage ? meetings.pageInfo.endCursor : null;
  } while (after);
  expect(nodes).toHaveLength(30);
  for (const node of nodes) expect(node).toEqual(await reference(node.id));
  expect(nodes.find((n) => n.title === 'Meeting 7')!.contact).toBeNull();
  // Both kinds are covered: meetings with and without an organisation (joined or not found).
  const withoutOrganisation = nodes.filter((n) => n.organisation === null).length;
  expect(withoutOrganisation).toBeGreaterThan(0);
  expect(withoutOrganisation).toBeLessThan(30);
});

it('a page selecting a few fields, through aliases and fragments, answers with the same values', async () => {
  const { meetings } = await query<{ meetings: { edges: { node: Node }[] } }>(
    `query {
       meetings(first: 30, filter: { statuses: [SCHEDULED] }) {
         edges { node { id ...Brief who: contact { fullName } contact { id organisation { name } } } }
       }
     }
     fragment Brief on Meeting { title when: startsAt place: location organisation { ... on Organisation { name } } }`,
  );
  expect(meetings.edges).toHaveLength(30);
  for (const { node } of meetings.edges) {
    const whole = await reference(node.id);
    const expected = {
      id: whole.id,
      title: whole.title,
      when: whole.startsAt,
      place: whole.location,
      organisation: pick(whole.organisation, { name: 1 }),
      who: pick(whole.contact, { fullName: 1 }),
      contact: pick(whole.contact, { id: 1, organisation: { name: 1 } }),
    };
    expect(node).toEqual(expected);
  }
});

it('a partly read contact is not handed to other fields of the same request', async () => {
  const { meetings } = await query<{ meetings: { edges: { node: { contact: Node | null } }[] } }>(
    `{ meetings(first: 1) { edges { node { contact { id } } } } }`,
  );
  const contactId = meetings.edges[0].node.contact!.id;
  const { contact: whole } = await query<{ contact: Node }>(
    `query($id: ID!) { contact(id: $id) { ${CONTACT} organisation { ${ORGANISATION} } } }`,
    { id: contactId },
  );
  expect(whole.email).toBeTruthy();
  // The page reads only the contact's name; the root field in the same request must see the whole row.
  const both = await query<{ meetings: { edges: { node: { contact: Node | null } }[] }; contact: Node }>(
    `query($id: ID!) {
       meetings(first: 1) { edges { node { contact { fullName } } } }
       contact(id: $id) { ${CONTACT} organisation { ${ORGANISATION} } }
     }`,
    { id: contactId },
  );
  expect(both.contact).toEqual(whole);
  expect(both.meetings.edges[0].node.contact).toEqual({ fullName: whole.fullName });
});

it('reads only the columns behind the selected fields, and whole rows when a field’s needs are unknown', () => {
  const readers = meetingReaders(app.infra.ds);
  const columns = (set: { columns: { propertyName: string }[] }) => set.columns.map((c) => c.propertyName).sort();

  const brief = readers.meeting.columnsFor(['title', 'startsAt', 'contact', '__typename']);
  expect(brief.complete).toBe(false);
  expect(columns(brief)).toEqual(['contactId', 'id', 'startsAt', 'title', 'userId']);
  expect(columns(readers.contact.columnsFor(['fullName']))).toEqual(['firstName', 'id', 'lastName', 'userId']);

  // A computed field nobody described, or a field of another type: the whole row.
  expect(readers.meeting.columnsFor(['title', 'notAField']).complete).toBe(true);
  expect(readers.meeting.columnsFor(null).complete).toBe(true);

  // Every field of these types is a column or says what it reads: none forces whole rows.
  const undescribed: string[] = [];
  for (const [typeName, reader] of [
    ['Meeting', readers.meeting],
    ['Contact', readers.contact],
    ['Organisation', readers.organisation],
  ] as const) {
    const type = schema.getType(typeName);
    expect(isObjectType(type)).toBe(true);
    for (const field of Object.keys((type as GraphQLObjectType).getFields())) {
      if ((reader as EntityReader<object>).columnsFor([field]).complete) undescribed.push(`${typeName}.${field}`);
    }
  }
  expect(undescribed).toEqual([]);
});
