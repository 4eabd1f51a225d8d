// The benchmark queries: the GraphQL each client sends to Rapport, the one hand-written SQL
// statement the floor runs to return the identical JSON, and the GraphQL the peer
// (PostGraphile 5, bench/peer) is sent for the same data. The peer's documents alias its
// generated names (allMeetings, contactByContactId…) so that the response has Rapport's shape,
// and scope every list to the measured user with a `condition` on user_id: the peer has no
// authentication, where Rapport verifies a JWT and scopes every row to its user.

const iso = (col) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const fullName = (c) =>
  `CASE WHEN ${c}.last_name IS NULL THEN ${c}.first_name ELSE ${c}.first_name || ' ' || ${c}.last_name END`;
const org = (o) => `CASE WHEN ${o}.id IS NULL THEN NULL ELSE json_build_object('id', ${o}.id, 'name', ${o}.name) END`;
const person = (c) =>
  `CASE WHEN ${c}.id IS NULL THEN NULL ELSE json_build_object('id', ${c}.id, 'fullName', ${fullName(c)}) END`;

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
  peer: {
    graphql: `query Q($userId: UUID!, $first: Int!) {
      meetings: allMeetings(condition: {userId: $userId}, orderBy: [STARTS_AT_ASC, ID_ASC], first: $first) {
        edges { node { id title startsAt
          contact: contactByContactId { id fullName organisation: organisationByOrganisationId { id name } }
          organisation: organisationByOrganisationId { id name } } } } }`,
    variables: (ctx) => ({ userId: ctx.userId, first }),
  },
});

// Q6's walk is Rapport's own statement (src/modules/introductions): no cheaper SQL gives the same
// chains. The floor wraps it to build the response's JSON in the same statement; Rapport adds
// its target check, one read of the chains' contacts and the GraphQL layer.
const { INTRODUCTION_PATHS_SQL, LINK_WARMTH, WALK_LIMITS } =
  await import('../dist/src/modules/introductions/introduction-paths.sql.js');
const linkWarmth = (reason) =>
  `(CASE ${reason} ${Object.entries(LINK_WARMTH)
    .map(([k, v]) => `WHEN '${k}' THEN ${v}`)
    .join(' ')} END)::float8`;
const PATHS = { maxHops: 4, first: 10 };

// Q5's timeline as Rapport writes it (src/modules/interactions/interaction-timeline.ts): the
// contact's meetings, the mail Rapport sent them, and what was logged, newest first.
const timeline = (contact) => `
  SELECT m.id, 'MEETING' AS source, m.starts_at AS occurred_at, m.title, NULL::text AS note
    FROM meetings m WHERE m.user_id = $1 AND m.contact_id = ${contact}
  UNION ALL
  SELECT e.id, CASE WHEN e.kind = 'OUTREACH' THEN 'OUTREACH' ELSE 'EMAIL' END, e.sent_at, NULL, NULL
    FROM scheduled_emails e WHERE e.user_id = $1 AND e.contact_id = ${contact} AND e.status = 'SENT'
     AND e.kind IN ('THANK_YOU', 'FOLLOW_UP', 'OUTREACH')
  UNION ALL
  SELECT i.id, 'LOGGED', i.occurred_at, NULL, i.note FROM interactions i WHERE i.user_id = $1 AND i.contact_id = ${contact}`;
const CONTACT_SCREEN = { timeline: 10, promises: 10, leads: 5 };

// Q4's "this week": a fixed Monday-to-Monday window inside the seeded meetings (quick and full),
// so every run asks for the same rows; a client would send its own now and now + 7 days.
export const WEEK = { from: '2026-03-02T08:00:00.000Z', to: '2026-03-09T08:00:00.000Z' };

export const QUERIES = {
  Q1: { name: 'Q1: 20 meetings + contact + contact.organisation + organisation', ...meetingsPage(20) },
  Q2: { name: 'Q2: the same, 100 meetings', ...meetingsPage(100) },
  Q3: {
    name: 'Q3: a contact with its last 10 meetings and its latest 20 insights',
    graphql: `query Q($id: ID!) { contact(id: $id) { id fullName
      meetings(first: 10) { edges { node { id title startsAt } } } insights(first: 20) { nodes { id category text } } } }`,
    variables: (ctx) => ({ id: ctx.contactId }),
    sql: `SELECT json_build_object('data', json_build_object('contact', json_build_object(
            'id', c.id, 'fullName', ${fullName('c')},
            'meetings', json_build_object('edges', coalesce((
              SELECT json_agg(json_build_object('node', json_build_object('id', m.id, 'title', m.title, 'startsAt', ${iso('m.starts_at')}))
                              ORDER BY m.starts_at DESC, m.id DESC)
              FROM (SELECT * FROM meetings WHERE user_id = $1 AND contact_id = c.id ORDER BY starts_at DESC, id DESC LIMIT 10) m), '[]'::json)),
            'insights', json_build_object('nodes', coalesce((
              SELECT json_agg(json_build_object('id', i.id, 'category', i.category, 'text', i.text) ORDER BY i.created_at DESC, i.id DESC)
              FROM (SELECT * FROM insights WHERE user_id = $1 AND contact_id = c.id ORDER BY created_at DESC, id DESC LIMIT 20) i), '[]'::json))))) AS body
          FROM contacts c WHERE c.user_id = $1 AND c.id = $2`,
    params: (ctx) => [ctx.contactId],
    peer: {
      graphql: `query Q($userId: UUID!, $id: UUID!) { contact: contactById(id: $id) { id fullName
        meetings: meetingsByContactId(condition: {userId: $userId}, orderBy: [STARTS_AT_DESC, ID_DESC], first: 10) {
          edges { node { id title startsAt } } }
        insights: insightsByContactId(condition: {userId: $userId}, orderBy: [CREATED_AT_DESC, ID_DESC], first: 20) {
          nodes { id category text } } } }`,
      variables: (ctx) => ({ userId: ctx.userId, id: ctx.contactId }),
    },
  },
  Q4: {
    name: "Q4: dashboard — me, this week's next 5 meetings + count, next 5 open promises + count",
    graphql: `query Q($from: DateTimeISO!, $to: DateTimeISO!) {
      me { id name weeklyMeetingGoal }
      thisWeek: meetings(first: 5, filter: {from: $from, to: $to, statuses: [SCHEDULED]}) {
        totalCount edges { node { id title startsAt contact { id fullName } organisation { id name } } } }
      openCommitments: commitments(first: 5, filter: {done: false, owner: ME}) {
        totalCount edges { node { id description dueOn contact { id fullName } } } } }`,
    variables: WEEK,
    // Rapport's rules: meetings ending after `from` and starting before `to`, soonest first;
    // promises soonest due first, undated ones last, then by id.
    sql: `WITH week AS NOT MATERIALIZED (SELECT * FROM meetings
                        WHERE user_id = $1 AND status = 'SCHEDULED' AND ends_at > $2 AND starts_at < $3),
               open AS NOT MATERIALIZED (SELECT * FROM commitments WHERE user_id = $1 AND owner = 'ME' AND done_at IS NULL)
          SELECT json_build_object('data', json_build_object(
            'me', (SELECT json_build_object('id', u.id, 'name', u.name, 'weeklyMeetingGoal', u.weekly_meeting_goal)
                   FROM users u WHERE u.id = $1),
            'thisWeek', json_build_object(
              'totalCount', (SELECT count(*)::int FROM week),
              'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                          'id', m.id, 'title', m.title, 'startsAt', ${iso('m.starts_at')},
                          'contact', ${person('c')}, 'organisation', ${org('o')})) ORDER BY m.starts_at, m.id), '[]'::json)
                        FROM (SELECT * FROM week ORDER BY starts_at, id LIMIT 5) m
                        LEFT JOIN contacts c ON c.id = m.contact_id AND c.user_id = $1
                        LEFT JOIN organisations o ON o.id = m.organisation_id AND o.user_id = $1)),
            'openCommitments', json_build_object(
              'totalCount', (SELECT count(*)::int FROM open),
              'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                          'id', k.id, 'description', k.description, 'dueOn', to_char(k.due_on, 'YYYY-MM-DD'),
                          'contact', ${person('c')})) ORDER BY k.due, k.id), '[]'::json)
                        FROM (SELECT *, coalesce(due_on, 'infinity'::date) AS due FROM open ORDER BY due, id LIMIT 5) k
                        LEFT JOIN contacts c ON c.id = k.contact_id AND c.user_id = $1)))) AS body`,
    params: () => [WEEK.from, WEEK.to],
    // The window is a custom query (bench/peer/schema.sql: meetings_between); PostGraphile's
    // `condition` only tests equality. `doneAt: null` is "IS NULL"; DUE_ON_ASC puts NULLs last
    // (PostgreSQL's default), which is Rapport's "undated last".
    peer: {
      graphql: `query Q($userId: UUID!, $from: Datetime!, $to: Datetime!) {
        me: userById(id: $userId) { id name weeklyMeetingGoal }
        thisWeek: meetingsBetween(userId: $userId, from: $from, to: $to, condition: {status: SCHEDULED},
                                  orderBy: [STARTS_AT_ASC, ID_ASC], first: 5) {
          totalCount edges { node { id title startsAt contact: contactByContactId { id fullName }
                                    organisation: organisationByOrganisationId { id name } } } }
        openCommitments: allCommitments(condition: {userId: $userId, owner: ME, doneAt: null},
                                        orderBy: [DUE_ON_ASC, ID_ASC], first: 5) {
          totalCount edges { node { id description dueOn contact: contactByContactId { id fullName } } } } }`,
      variables: (ctx) => ({ userId: ctx.userId, ...WEEK }),
    },
  },
  Q5: {
    name: "Q5: mobile contact screen — the contact, its timeline (10 + count), open promises (10 + count), its organisation's job leads (5 + count)",
    graphql: `query Q($id: ID!) { contact(id: $id) { id fullName title stage lastContactedAt
      organisation { id name jobLeads(first: ${CONTACT_SCREEN.leads}) { totalCount nodes { id title status deadline } } }
      interactions(first: ${CONTACT_SCREEN.timeline}) { totalCount edges { node { id source occurredAt title note } } }
      openPromises: commitments(first: ${CONTACT_SCREEN.promises}, filter: {done: false}) {
        totalCount nodes { id description owner dueOn } } } }`,
    variables: (ctx) => ({ id: ctx.contactId }),
    // Rapport's orders: the timeline newest first; promises and leads newest first by creation.
    sql: `SELECT json_build_object('data', json_build_object('contact', json_build_object(
            'id', c.id, 'fullName', ${fullName('c')}, 'title', c.title, 'stage', c.stage,
            'lastContactedAt', ${iso('c.last_contacted_at')},
            'organisation', (SELECT json_build_object('id', o.id, 'name', o.name, 'jobLeads', json_build_object(
                'totalCount', (SELECT count(*)::int FROM job_leads WHERE organisation_id = o.id AND user_id = $1),
                'nodes', coalesce((SELECT json_agg(json_build_object('id', l.id, 'title', l.title, 'status', l.status,
                                                                     'deadline', to_char(l.deadline, 'YYYY-MM-DD'))
                                                   ORDER BY l.created_at DESC, l.id DESC)
                                   FROM (SELECT * FROM job_leads WHERE organisation_id = o.id AND user_id = $1
                                         ORDER BY created_at DESC, id DESC LIMIT ${CONTACT_SCREEN.leads}) l), '[]'::json)))
              FROM organisations o WHERE o.id = c.organisation_id AND o.user_id = $1),
            'interactions', json_build_object(
              'totalCount', (SELECT count(*)::int FROM (${timeline('c.id')}) t),
              'edges', coalesce((SELECT json_agg(json_build_object('node', json_build_object('id', t.id, 'source', t.source,
                                   'occurredAt', ${iso('t.occurred_at')}, 'title', t.title, 'note', t.note))
                                 ORDER BY t.occurred_at DESC, t.id DESC)
                                 FROM (SELECT * FROM (${timeline('c.id')}) t
                                       ORDER BY occurred_at DESC, id DESC LIMIT ${CONTACT_SCREEN.timeline}) t), '[]'::json)),
            'openPromises', json_build_object(
              'totalCount', (SELECT count(*)::int FROM commitments WHERE contact_id = c.id AND user_id = $1 AND done_at IS NULL),
              'nodes', coalesce((SELECT json_agg(json_build_object('id', k.id, 'description', k.description, 'owner', k.owner,
                                                                   'dueOn', to_char(k.due_on, 'YYYY-MM-DD'))
                                                 ORDER BY k.created_at DESC, k.id DESC)
                                 FROM (SELECT * FROM commitments WHERE contact_id = c.id AND user_id = $1 AND done_at IS NULL
                                       ORDER BY created_at DESC, id DESC LIMIT ${CONTACT_SCREEN.promises}) k), '[]'::json))))) AS body
          FROM contacts c WHERE c.user_id = $1 AND c.id = $2`,
    params: (ctx) => [ctx.contactId],
    // The timeline is a union of three tables, which PostGraphile's generated fields cannot
    // express: a computed column (bench/peer/schema.sql: contacts_timeline, the same union scoped
    // to the contact's owner) gives Contact a `timeline` connection, as Q4's window is a custom query.
    peer: {
      graphql: `query Q($userId: UUID!, $id: UUID!) { contact: contactById(id: $id) { id fullName title stage lastContactedAt
        organisation: organisationByOrganisationId { id name
          jobLeads: jobLeadsByOrganisationId(condition: {userId: $userId}, orderBy: [CREATED_AT_DESC, ID_DESC], first: ${CONTACT_SCREEN.leads}) {
            totalCount nodes { id title status deadline } } }
        interactions: timeline(first: ${CONTACT_SCREEN.timeline}) { totalCount edges { node { id source occurredAt title note } } }
        openPromises: commitmentsByContactId(condition: {userId: $userId, doneAt: null}, orderBy: [CREATED_AT_DESC, ID_DESC],
                                             first: ${CONTACT_SCREEN.promises}) {
          totalCount nodes { id description owner dueOn } } } }`,
      variables: (ctx) => ({ userId: ctx.userId, id: ctx.contactId }),
    },
  },
  Q6: {
    name: `Q6: introductionPaths to an organisation, maxHops ${PATHS.maxHops}, first ${PATHS.first}`,
    graphql: `query Q($org: ID!, $maxHops: Int!, $first: Int!) {
      introductionPaths(to: {organisationId: $org}, maxHops: $maxHops, first: $first) {
        truncated paths { hops score endsWithDecisionMaker steps { reason warmth contact { id fullName } } } } }`,
    variables: (ctx) => ({ org: ctx.organisationId, ...PATHS }),
    // The walk's rows, in its order; each chain's steps from the user outwards (see stepsOf).
    sql: `WITH p AS MATERIALIZED (${INTRODUCTION_PATHS_SQL}),
               numbered AS (SELECT p.*, row_number() OVER () AS ord FROM p)
          SELECT json_build_object('data', json_build_object('introductionPaths', json_build_object(
            'truncated', coalesce((SELECT bool_or(truncated) FROM p), false),
            'paths', coalesce((SELECT json_agg(json_build_object(
                'hops', p.hops, 'score', p.score, 'endsWithDecisionMaker', p."endsWithDecisionMaker",
                'steps', (SELECT json_agg(json_build_object('reason', s.reason, 'warmth', s.warmth,
                                  'contact', json_build_object('id', c.id, 'fullName', ${fullName('c')})) ORDER BY s.ord)
                          FROM (SELECT 0 AS ord, p.seen[cardinality(p.seen)] AS id, 'YOUR_CONTACT' AS reason, p.warmth AS warmth
                                UNION ALL
                                SELECT cardinality(p.seen) - j + 1, p.seen[j - 1], p.reasons[j], ${linkWarmth('p.reasons[j]')}
                                FROM generate_series(cardinality(p.seen), 2, -1) j
                                UNION ALL
                                SELECT cardinality(p.seen), p.seen[1], p.reasons[1], ${linkWarmth('p.reasons[1]')}
                                WHERE p.reasons[1] IN ('WORKS_AT', 'WORKED_AT')) s
                          JOIN contacts c ON c.id = s.id))
              ORDER BY p.ord) FROM numbered p), '[]'::json)))) AS body`,
    params: (ctx) => [
      ctx.organisationId,
      null,
      PATHS.maxHops,
      WALK_LIMITS.chainsPerLevel,
      WALK_LIMITS.linksPerPerson,
      PATHS.first,
    ],
    // PostGraphile generates no recursive reads; only a hand-written SQL function exposed as a
    // custom query could answer this, which would measure that same SQL again. No peer here.
    peer: null,
  },
  Q7: {
    name: 'Q7: nested connections — 20 organisations, each with its first 20 contacts',
    graphql: `query Q { organisations(first: 20) { edges { node { id name
      contacts(first: 20) { edges { node { id fullName } } } } } } }`,
    variables: {},
    // Rapport's default orders: organisations by lower(name), contacts by lower(first || ' ' || last), then id.
    sql: `SELECT json_build_object('data', json_build_object('organisations', json_build_object('edges',
            coalesce(json_agg(json_build_object('node', json_build_object('id', o.id, 'name', o.name,
              'contacts', json_build_object('edges', coalesce((
                SELECT json_agg(json_build_object('node', json_build_object('id', c.id, 'fullName', ${fullName('c')})) ORDER BY c.k, c.id)
                FROM (SELECT *, lower(first_name || ' ' || coalesce(last_name, '')) AS k FROM contacts
                      WHERE user_id = $1 AND organisation_id = o.id ORDER BY k, id LIMIT 20) c), '[]'::json))))
              ORDER BY o.k, o.id), '[]'::json)))) AS body
          FROM (SELECT *, lower(name) AS k FROM organisations WHERE user_id = $1 ORDER BY k, id LIMIT 20) o`,
    // The peer orders by the columns themselves: the seeded names ('Organisation 00001',
    // 'Contact' + a zero-padded number) sort the same with and without lower().
    peer: {
      graphql: `query Q($userId: UUID!) {
        organisations: allOrganisations(condition: {userId: $userId}, orderBy: [NAME_ASC, ID_ASC], first: 20) {
          edges { node { id name
            contacts: contactsByOrganisationId(condition: {userId: $userId}, orderBy: [FIRST_NAME_ASC, LAST_NAME_ASC, ID_ASC], first: 20) {
              edges { node { id fullName } } } } } } }`,
      variables: (ctx) => ({ userId: ctx.userId }),
    },
  },
};
