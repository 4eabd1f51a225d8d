// Deterministic data: the same rows on every run (no randomness, only arithmetic on i).
export const SIZES = {
  quick: { users: 50, organisations: 100, contacts: 2_000, meetings: 5_000 },
  full: { users: 2_000, organisations: 1_000, contacts: 20_000, meetings: 100_000 },
};

/** Seeds the measured user's organisations, contacts, meetings and a few insights; returns a contact for Q3. */
export async function seed(client, userId, passwordHash, size) {
  await client.query(
    `INSERT INTO users (email, name, password_hash, timezone, email_verified_at)
     SELECT 'other' || i || '@bench.example', 'Other ' || i, $1, 'Europe/London', now() FROM generate_series(1, $2) i`,
    [passwordHash, size.users - 1],
  );
  await client.query(
    `INSERT INTO organisations (user_id, name, industry, location)
     SELECT $1, 'Organisation ' || lpad(i::text, 5, '0'), (ARRAY['Robotics', 'Energy', 'Retail', 'Pharma', 'Media'])[1 + i % 5], 'City ' || (i % 40)
     FROM generate_series(1, $2) i`,
    [userId, size.organisations],
  );
  // Contact ids from the account's email and i, not random: ties the walk of the paths query
  // and Q3's choice of contact break by id, so random ids made them differ from run to run.
  await client.query(
    `WITH o AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS n FROM organisations WHERE user_id = $1)
     INSERT INTO contacts (id, user_id, first_name, last_name, email, title, organisation_id)
     SELECT md5(u.email || ' contact ' || i)::uuid, $1, 'Contact', lpad(i::text, 6, '0'), 'contact' || i || '@bench.example', 'Engineer', o.id
     FROM generate_series(1, $2) i JOIN o ON o.n = (i * 31) % $3 JOIN users u ON u.id = $1`,
    [userId, size.contacts, size.organisations],
  );
  await client.query(
    `WITH c AS (SELECT id, organisation_id, first_name || ' ' || last_name AS name, row_number() OVER (ORDER BY last_name) - 1 AS n
                FROM contacts WHERE user_id = $1)
     INSERT INTO meetings (user_id, contact_id, contact_name, organisation_id, title, starts_at, ends_at, timezone, status)
     SELECT $1, c.id, c.name, c.organisation_id, 'Meeting ' || i,
            timestamptz '2026-01-05 09:00+00' + i * interval '97 minutes',
            timestamptz '2026-01-05 09:45+00' + i * interval '97 minutes', 'Europe/London',
            CASE WHEN i % 3 = 0 THEN 'COMPLETED'::meeting_status ELSE 'SCHEDULED'::meeting_status END
     FROM generate_series(1, $2) i JOIN c ON c.n = (i::bigint * 7919) % $3`,
    [userId, size.meetings, size.contacts],
  );
  const { rows } = await client.query(
    `SELECT contact_id AS id, count(*) FROM meetings WHERE user_id = $1 GROUP BY contact_id ORDER BY count(*) DESC, contact_id LIMIT 1`,
    [userId],
  );
  const contactId = rows[0].id;
  await client.query(
    `INSERT INTO insights (user_id, meeting_id, contact_id, organisation_id, category, text, created_at)
     SELECT $1, m.id, m.contact_id, m.organisation_id, (ARRAY['SALARY', 'CULTURE', 'ENTRY_PATHS']::topic[])[1 + (row_number() OVER (ORDER BY m.id))::int % 3],
            'Insight from ' || m.title, m.ends_at
     FROM meetings m WHERE m.contact_id = $2`,
    [userId, contactId],
  );
  // Q4's open promises: one for every 5th completed meeting (by start time); every 4th is the
  // contact's, a third are done, every 7th has no due date. Dates are taken in UTC so the rows
  // do not depend on the server's time zone.
  await client.query(
    `WITH m AS (SELECT id, contact_id, title, ends_at, row_number() OVER (ORDER BY starts_at, id) AS n
                FROM meetings WHERE user_id = $1 AND status = 'COMPLETED')
     INSERT INTO commitments (user_id, meeting_id, contact_id, owner, description, due_on, done_at, created_at)
     SELECT $1, m.id, m.contact_id,
            CASE WHEN m.n % 4 = 0 THEN 'CONTACT'::commitment_owner ELSE 'ME'::commitment_owner END,
            'Send a note about ' || m.title,
            CASE WHEN m.n % 7 = 0 THEN NULL ELSE (m.ends_at AT TIME ZONE 'UTC')::date + (m.n % 20)::int END,
            CASE WHEN m.n % 3 = 0 THEN m.ends_at + interval '2 days' END,
            m.ends_at
     FROM m WHERE m.n % 5 = 0`,
    [userId],
  );
  // Statistics before the network's joins: planned on none, the 10× set's joins of contacts with
  // contacts become nested loops over every pair (bench/growth.mjs).
  await client.query('ANALYZE contacts, meetings');
  await seedNetwork(client, userId);
  await seedContactScreen(client, userId, contactId);
  await client.query('ANALYZE');
  const { rows: target } = await client.query(`SELECT organisation_id AS id FROM contacts WHERE id = $1`, [contactId]);
  return { contactId, organisationId: target[0].id };
}

/**
 * Q6's graph over the measured user's contacts (n = rank by last name, from 0): four in five
 * were introduced by someone earlier in the list (so introductions never form a circle, as the
 * API guarantees), every tenth of those was suggested in a debrief of one of the introducer's
 * completed meetings, each organisation's people form a chain of command four wide, and a third
 * were in touch within the last 400 days. The introducer of n is a multiplicative hash of n
 * taken modulo n, (n × 2654435761 mod 4294967291) mod n: any of the n earlier contacts, spread
 * over them all (a random recursive tree, no hub), where a polynomial in n modulo n would be
 * one constant for every n above it.
 */
async function seedNetwork(client, userId) {
  await client.query(
    `WITH c AS (SELECT id, organisation_id, row_number() OVER (ORDER BY last_name) - 1 AS n,
                       row_number() OVER (PARTITION BY organisation_id ORDER BY last_name) - 1 AS r
                FROM contacts WHERE user_id = $1),
          links AS (
            SELECT c.id, i.id AS introducer, m.id AS manager, c.n FROM c
            LEFT JOIN c i ON c.n % 5 <> 0 AND i.n = (c.n::bigint * 2654435761 % 4294967291) % nullif(c.n, 0)
            LEFT JOIN c m ON m.organisation_id = c.organisation_id AND c.r > 0 AND m.r = (c.r - 1) / 4)
     UPDATE contacts t SET introduced_by_id = links.introducer, reports_to_id = links.manager,
            last_contacted_at = CASE WHEN links.n % 3 = 0 THEN now() - (links.n % 400) * interval '1 day' END
     FROM links WHERE links.id = t.id`,
    [userId],
  );
  await client.query(
    `WITH c AS (SELECT id, introduced_by_id, row_number() OVER (ORDER BY last_name) - 1 AS n
                FROM contacts WHERE user_id = $1 AND introduced_by_id IS NOT NULL)
     UPDATE contacts t SET source_meeting_id = (
       SELECT m.id FROM meetings m WHERE m.contact_id = c.introduced_by_id AND m.status = 'COMPLETED' ORDER BY m.starts_at, m.id LIMIT 1)
     FROM c WHERE c.id = t.id AND c.n % 10 = 0`,
    [userId],
  );
}

/**
 * Q5's contact screen, for Q3's contact: calls and coffees logged (its timeline besides its
 * meetings), promises the contact made (owner CONTACT, so Q4's own promises are unchanged; every
 * third kept), and job leads at the contact's organisation, some through the contact.
 */
async function seedContactScreen(client, userId, contactId) {
  await client.query(
    `INSERT INTO interactions (user_id, contact_id, kind, note, occurred_at)
     SELECT $1, $2, (ARRAY['CALL', 'COFFEE', 'MESSAGE']::interaction_kind[])[1 + i % 3], 'Caught up, note ' || i,
            timestamptz '2026-01-20 12:00+00' + i * interval '9 days 5 hours'
     FROM generate_series(1, 12) i`,
    [userId, contactId],
  );
  await client.query(
    `INSERT INTO commitments (user_id, contact_id, owner, description, due_on, done_at, created_at)
     SELECT $1, $2, 'CONTACT', 'Introduce me to colleague ' || i,
            CASE WHEN i % 4 = 0 THEN NULL ELSE date '2026-02-01' + i * 6 END,
            CASE WHEN i % 3 = 0 THEN timestamptz '2026-02-01 10:00+00' + i * interval '6 days' END,
            timestamptz '2026-01-21 10:00+00' + i * interval '4 days'
     FROM generate_series(1, 15) i`,
    [userId, contactId],
  );
  await client.query(
    `INSERT INTO job_leads (user_id, organisation_id, contact_id, title, status, status_history, deadline, created_at)
     SELECT $1, c.organisation_id, CASE WHEN i % 2 = 0 THEN c.id END, 'Opening ' || i,
            (ARRAY['INTERESTED', 'APPLIED', 'INTERVIEWING', 'REJECTED']::job_lead_status[])[1 + i % 4], '[]',
            CASE WHEN i % 3 = 0 THEN NULL ELSE date '2026-03-01' + i * 5 END,
            timestamptz '2026-01-10 08:00+00' + i * interval '3 days 2 hours'
     FROM contacts c, generate_series(1, 9) i WHERE c.id = $2 AND c.user_id = $1`,
    [userId, contactId],
  );
  await client.query(`UPDATE contacts SET last_contacted_at = timestamptz '2026-05-02 12:00+00' WHERE id = $1`, [
    contactId,
  ]);
}
