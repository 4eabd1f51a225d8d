// The benchmark queries: the GraphQL each client sends to Rapport, and the one hand-written SQL
// statement the floor runs to return the identical JSON.

const iso = (col) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const fullName = (c) =>
  `CASE WHEN ${c}.last_name IS NULL THEN ${c}.first_name ELSE ${c}.first_name || ' ' || ${c}.last_name END`;
const org = (o) => `CASE WHEN ${o}.id IS NULL THEN NULL ELSE json_build_object('id', ${o}.id, 'name', ${o}.name) END`;

const meetingsPage = (first) => ({
  graphql: `query Q($first: Int!) { meetings(first: $first) { edges { node { id title startsAt
    contact { id fullName organisation { id name } } organisation { id name } } } } }`,
  variables: { first },
  // Same order as Rapport's default (starts_at, id); the page joins to-one relations only.
  sql: `SELECT json_build_object('data', json_build_object('meetings', json_build_object('edges',
          coalesce(json_agg(json_build_object('node', json_build_object(
            'id', m.id, 'title', m.title, 'startsAt', ${iso('m.starts_at')},
            'contact', CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'fullName', ${fullName('c')}, 'organisation', ${org('co')}) END,
            'organisation', ${org('mo')})) ORDER BY m.starts_at, m.id), '[]'::json)))) AS body
        FROM (SELECT * FROM meetings WHERE user_id = $1 ORDER BY starts_at, id LIMIT ${first}) m
        LEFT JOIN contacts c ON c.id = m.contact_id
        LEFT JOIN organisations co ON co.id = c.organisation_id
        LEFT JOIN organisations mo ON mo.id = m.organisation_id`,
});

export const QUERIES = {
  Q1: { name: 'Q1: 20 meetings + contact + contact.organisation + organisation', ...meetingsPage(20) },
  Q2: { name: 'Q2: the same, 100 meetings', ...meetingsPage(100) },
  Q3: {
    name: 'Q3: a contact with its last 10 meetings and its insights',
    graphql: `query Q($id: ID!) { contact(id: $id) { id fullName
      meetings(first: 10) { edges { node { id title startsAt } } } insights { id category text } } }`,
    variables: (ctx) => ({ id: ctx.contactId }),
    sql: `SELECT json_build_object('data', json_build_object('contact', json_build_object(
            'id', c.id, 'fullName', ${fullName('c')},
            'meetings', json_build_object('edges', coalesce((
              SELECT json_agg(json_build_object('node', json_build_object('id', m.id, 'title', m.title, 'startsAt', ${iso('m.starts_at')}))
                              ORDER BY m.starts_at DESC, m.id DESC)
              FROM (SELECT * FROM meetings WHERE user_id = $1 AND contact_id = c.id ORDER BY starts_at DESC, id DESC LIMIT 10) m), '[]'::json)),
            'insights', coalesce((
              SELECT json_agg(json_build_object('id', i.id, 'category', i.category, 'text', i.text) ORDER BY i.created_at DESC, i.id)
              FROM insights i WHERE i.user_id = $1 AND i.contact_id = c.id), '[]'::json)))) AS body
          FROM contacts c WHERE c.user_id = $1 AND c.id = $2`,
    params: (ctx) => [ctx.contactId],
  },
};
