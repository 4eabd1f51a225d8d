/**
 * The walk behind `introductionPaths`, as one statement. It starts at the people at the target
 * (who work there, worked there, or the target contact) and walks outwards to the user's
 * contacts, over the links of introductions (both ways, referrals recorded in a debrief
 * told apart) and reporting lines (both ways). Every row of the walk is a chain the user can
 * start: all its people are the user's own contacts.
 *
 * Bounds, so a hostile graph (a contact introduced by thousands, dense circles) stays small:
 * - `seen` holds the chain's people, so no chain visits anyone twice;
 * - at most $4 links (hops);
 * - at most $5 people at the target, and $5 chains per level, strongest first;
 * - each person is expanded along at most $6 of their links: the warmest kinds first (LINK_WARMTH),
 *   then by the next person's id, read in that order through the (introduced_by_id, id) and
 *   (reports_to_id, id) indexes (index only: they include what is read), so a hub with
 *   thousands of links costs at most $6 index entries a kind, never a sort of them all, and the
 *   same data gives the same answer whatever the table's physical row order;
 * - each person keeps one chain per level (the strongest), so chains do not multiply.
 * Every cap keeps a total order (ties broken by ids), never the order rows happen to come in.
 *
 * Parameters: $1 user, $2 organisation or null, $3 contact or null, $4 max hops, $5 level cap,
 * $6 fan-out cap, $7 paths wanted.
 */
/** Caps on the walk (see INTRODUCTION_PATHS_SQL): chains per level, links followed per person. */
export const WALK_LIMITS = { chainsPerLevel: 1000, linksPerPerson: 100 } as const;

/** How likely the previous person of a chain can reach the next, by the link between them. */
export const LINK_WARMTH = {
  INTRODUCED: 0.7,
  INTRODUCED_BY: 0.7,
  REFERRED_IN_MEETING: 0.75,
  REPORTS_TO: 0.8,
  MANAGES: 0.8,
  WORKS_AT: 1,
  WORKED_AT: 0.6,
} as const;

/** A chain that ends with someone who does not decide (isDecisionMaker) counts for this much. */
export const NOT_A_DECISION_MAKER = 0.8;

const w = LINK_WARMTH;

export const INTRODUCTION_PATHS_SQL = `
WITH RECURSIVE
ends(id, why, meeting_id, decides) AS (
  (SELECT c.id, 'WORKS_AT', NULL::uuid, c.is_decision_maker FROM contacts c
   WHERE c.user_id = $1 AND c.organisation_id = $2::uuid
   ORDER BY c.is_decision_maker DESC, c.last_contacted_at DESC NULLS LAST, c.id LIMIT $5)
  UNION ALL
  -- Worked there: met there (the meeting's organisation), and elsewhere now.
  (SELECT DISTINCT ON (m.contact_id) m.contact_id, 'WORKED_AT', m.id, c.is_decision_maker FROM meetings m
   JOIN contacts c ON c.id = m.contact_id
   WHERE m.user_id = $1 AND m.organisation_id = $2::uuid AND c.organisation_id IS DISTINCT FROM $2::uuid
   ORDER BY m.contact_id, m.starts_at DESC, m.id LIMIT $5)
  UNION ALL
  SELECT c.id, 'TARGET', NULL::uuid, c.is_decision_maker FROM contacts c WHERE c.user_id = $1 AND c.id = $3::uuid
),
walk(node, hops, seen, reasons, meetings, strength, level_size) AS (
  SELECT e.id, 1, ARRAY[e.id], ARRAY[e.why], ARRAY[e.meeting_id],
         -- A chain's strength starts with its end: a decision maker, and still at the target.
         (CASE e.why WHEN 'WORKED_AT' THEN ${w.WORKED_AT} ELSE ${w.WORKS_AT} END
          * CASE WHEN e.decides THEN 1 ELSE ${NOT_A_DECISION_MAKER} END)::float8, 0::bigint
  FROM ends e
  UNION ALL
  SELECT t.node, t.hops, t.seen, t.reasons, t.meetings, t.strength, t.level_size FROM (
    SELECT s.*, row_number() OVER (ORDER BY s.strength DESC, s.node) AS level_rank, count(*) OVER () AS level_size
    FROM (
      SELECT l.far AS node, w.hops + 1 AS hops, w.seen || l.far AS seen, w.reasons || l.reason AS reasons,
             w.meetings || l.meeting_id AS meetings, w.strength * l.strength AS strength,
             row_number() OVER (PARTITION BY l.far ORDER BY w.strength * l.strength DESC, w.seen, l.reason) AS node_rank
      FROM walk w
      -- The links of w.node: the chain goes from far (nearer the user) to near (w.node, nearer
      -- the target); reason says what far is to near, strength how likely far can reach near.
      CROSS JOIN LATERAL (
        SELECT * FROM (
          -- Who introduced near, and whom near reports to: one each.
          SELECT c.introduced_by_id AS far,
                 CASE WHEN c.source_meeting_id IS NULL THEN 'INTRODUCED' ELSE 'REFERRED_IN_MEETING' END AS reason,
                 CASE WHEN c.source_meeting_id IS NULL THEN ${w.INTRODUCED} ELSE ${w.REFERRED_IN_MEETING} END AS strength,
                 c.source_meeting_id AS meeting_id
          FROM contacts c WHERE c.id = w.node AND c.user_id = $1 AND c.introduced_by_id IS NOT NULL
          UNION ALL
          SELECT c.reports_to_id, 'MANAGES', ${w.MANAGES}, NULL::uuid
          FROM contacts c WHERE c.id = w.node AND c.user_id = $1 AND c.reports_to_id IS NOT NULL
          UNION ALL
          -- Whom near introduced, and who reports to near: any number, one warmth a kind, so
          -- each kind's first $6 by id come in order from its index.
          (SELECT c.id, 'INTRODUCED_BY', ${w.INTRODUCED_BY}, c.source_meeting_id
           FROM contacts c WHERE c.introduced_by_id = w.node AND c.user_id = $1 ORDER BY c.id LIMIT $6)
          UNION ALL
          (SELECT c.id, 'REPORTS_TO', ${w.REPORTS_TO}, NULL::uuid
           FROM contacts c WHERE c.reports_to_id = w.node AND c.user_id = $1 ORDER BY c.id LIMIT $6)
        ) e
        ORDER BY e.strength DESC, e.far, e.reason LIMIT $6
      ) l
      WHERE w.hops < $4 AND l.far <> ALL(w.seen)
    ) s
    WHERE s.node_rank = 1
  ) t
  WHERE t.level_rank <= $5
),
-- What warms each chain's first person, read per chain through the indexes (a few thousand
-- rows at most): OFFSET 0 keeps the planner from turning them into scans of whole tables.
scored AS MATERIALIZED (
  SELECT k.*, f.first_name, f.last_name, f.last_contacted_at, f.how_we_know, met.met_at,
         met.met_at IS NOT NULL AS met, fu.sent IS NOT NULL AS followed_up, t.is_decision_maker AS ends_with_decision_maker
  FROM walk k
  CROSS JOIN LATERAL (SELECT * FROM contacts f WHERE f.id = k.node AND f.user_id = $1 OFFSET 0) f
  CROSS JOIN LATERAL (SELECT t.is_decision_maker FROM contacts t WHERE t.id = k.seen[1] OFFSET 0) t
  CROSS JOIN LATERAL (SELECT max(m.starts_at) AS met_at FROM meetings m
                      WHERE m.contact_id = k.node AND m.user_id = $1 AND m.status = 'COMPLETED') met
  LEFT JOIN LATERAL (SELECT 1 AS sent FROM scheduled_emails se
                     WHERE se.contact_id = k.node AND se.user_id = $1 AND se.status = 'SENT'
                       AND se.kind IN ('THANK_YOU', 'FOLLOW_UP') LIMIT 1) fu ON true
),
ranked AS (
  SELECT s.*,
         least(1.0, 0.1 + CASE WHEN met THEN 0.4 ELSE 0 END + CASE WHEN followed_up THEN 0.15 ELSE 0 END
           + CASE WHEN last_contacted_at >= now() - interval '90 days' THEN 0.25
                  WHEN last_contacted_at >= now() - interval '365 days' THEN 0.1 ELSE 0 END
           + CASE WHEN how_we_know IN ('FRIEND', 'FAMILY', 'COLLEAGUE', 'MANAGER', 'PROFESSOR', 'ALUMNI') THEN 0.1 ELSE 0 END
         )::float8 AS warmth
  FROM scored s
)
SELECT r.seen, r.reasons, r.meetings, r.hops, r.strength, r.warmth, r.met, r.followed_up,
       r.how_we_know AS "howWeKnow",
       r.ends_with_decision_maker AS "endsWithDecisionMaker",
       round((r.warmth * r.strength)::numeric, 4)::float8 AS score,
       (SELECT json_object_agg(m.id, to_char(m.starts_at AT TIME ZONE tz.name, 'YYYY-MM-DD'))
        FROM meetings m WHERE m.id = ANY(r.meetings)) AS "meetingDates",
       to_char(r.met_at AT TIME ZONE tz.name, 'YYYY-MM-DD') AS "metOn",
       to_char(r.last_contacted_at AT TIME ZONE tz.name, 'YYYY-MM-DD') AS "lastContactedOn",
       EXISTS (SELECT 1 FROM walk WHERE level_size > $5) OR (SELECT count(*) FROM ends) >= $5 AS truncated
FROM ranked r, (SELECT timezone AS name FROM users WHERE id = $1) tz
ORDER BY score DESC, r.hops, r.ends_with_decision_maker DESC, lower(r.first_name || ' ' || coalesce(r.last_name, '')), r.node
LIMIT $7`;
