-- What the peer (PostGraphile 5) needs in the bench database, beyond Rapport's own tables.
-- Applied by scripts/bench.mjs to the throwaway bench database only; never a Rapport migration.

-- Contact.fullName, as Rapport computes it (the last name only when there is one): a computed
-- column, which PostGraphile exposes as a field of the table's type.
CREATE OR REPLACE FUNCTION contacts_full_name(c contacts) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN coalesce(c.last_name, '') = '' THEN c.first_name ELSE c.first_name || ' ' || c.last_name END $$;

-- Q4's "meetings this week": PostGraphile's generated `condition` argument compares for
-- equality only, so a time window is a custom query (a set-returning function becomes a root
-- connection field). Same rule as Rapport's filter: ending after `from`, starting before `to`.
-- A plain SQL function, so PostgreSQL inlines it and keeps using meetings' (user_id, starts_at)
-- index; the `order` and `filter` behaviours give the field orderBy and condition arguments.
CREATE OR REPLACE FUNCTION meetings_between(user_id uuid, "from" timestamptz, "to" timestamptz)
  RETURNS SETOF meetings
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT * FROM meetings m WHERE m.user_id = $1 AND m.ends_at > $2 AND m.starts_at < $3 $$;
COMMENT ON FUNCTION meetings_between(uuid, timestamptz, timestamptz) IS '@behavior +order +filter';

-- Q5's timeline: Rapport's Contact.interactions is a union of three tables (meetings, mail sent to
-- the contact, logged interactions), which PostGraphile's generated relations cannot express. A
-- computed column returning a set becomes a connection field of Contact (`timeline`); each branch
-- is scoped to the contact's owner, and the rows come newest first, as Rapport's do.
DO $$ BEGIN
  CREATE TYPE bench_timeline_entry AS (id uuid, source text, occurred_at timestamptz, title text, note text);
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE OR REPLACE FUNCTION contacts_timeline(c contacts) RETURNS SETOF bench_timeline_entry
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT * FROM (
    SELECT m.id, 'MEETING', m.starts_at, m.title, NULL::text
      FROM meetings m WHERE m.user_id = c.user_id AND m.contact_id = c.id
    UNION ALL
    SELECT e.id, CASE WHEN e.kind = 'OUTREACH' THEN 'OUTREACH' ELSE 'EMAIL' END, e.sent_at, NULL, NULL
      FROM scheduled_emails e WHERE e.user_id = c.user_id AND e.contact_id = c.id AND e.status = 'SENT'
       AND e.kind IN ('THANK_YOU', 'FOLLOW_UP', 'OUTREACH')
    UNION ALL
    SELECT i.id, 'LOGGED', i.occurred_at, NULL, i.note FROM interactions i WHERE i.user_id = c.user_id AND i.contact_id = c.id
  ) t (id, source, occurred_at, title, note) ORDER BY occurred_at DESC, id DESC $$;
