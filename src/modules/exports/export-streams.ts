import type { DataSource } from 'typeorm';
import { camelKeys, EXPORT_SECTIONS, EXPORT_VERSION, USER_COLUMNS } from './export-plan';
import { ICS_FOOTER, icsHeader, meetingVEvent, type IcsMeeting } from './meetings-ics';
import { contactVCard, type VCardContact } from './vcard';

// Each download is written batch by batch: a keyset page of rows is read, written out and
// dropped before the next is read, so memory stays flat however large the account, and no
// database connection is held while a slow client reads (each page is its own short query).

/** Rows read per query. */
export const EXPORT_BATCH = 500;
const BEFORE_EVERY_ID = '00000000-0000-0000-0000-000000000000';

async function* pages<T extends { id: string }>(read: (afterId: string) => Promise<T[]>): AsyncGenerator<T[]> {
  let after = BEFORE_EVERY_ID;
  for (;;) {
    const rows = await read(after);
    if (rows.length) yield rows;
    if (rows.length < EXPORT_BATCH) return;
    after = rows[rows.length - 1].id;
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The whole account as one JSON document (docs/export.md), in pieces. */
export async function* exportJson(ds: DataSource, userId: string, now: Date): AsyncGenerator<string> {
  // Through jsonb like every section, so values (enum arrays, times) are written alike.
  const [found] = await ds.query(
    `SELECT (SELECT jsonb_object_agg(key, value) FROM jsonb_each(to_jsonb(u)) WHERE key = ANY($2)) AS row
       FROM users u WHERE u.id = $1`,
    [userId, USER_COLUMNS],
  );
  if (!found) return;
  const user = found.row as Record<string, unknown>;
  yield `{"format":"rapport-export","version":${EXPORT_VERSION},"exportedAt":${JSON.stringify(now.toISOString())},`;
  yield `"user":${JSON.stringify(camelKeys(user))}`;
  for (const section of EXPORT_SECTIONS) {
    yield `,${JSON.stringify(section.key)}:[`;
    let first = true;
    const omit = ['user_id', ...section.omit];
    const sql = `SELECT t.id, to_jsonb(t) - $3::text[] AS row FROM ${quoteIdent(section.table)} t
                 WHERE t.user_id = $1 AND t.id > $2 ORDER BY t.id LIMIT ${EXPORT_BATCH}`;
    for await (const rows of pages<{ id: string; row: Record<string, unknown> }>((after) =>
      ds.query(sql, [userId, after, omit]),
    )) {
      const text = rows.map((r) => JSON.stringify(camelKeys(r.row))).join(',');
      yield first ? text : `,${text}`;
      first = false;
    }
    yield ']';
  }
  yield '}\n';
}

/** Every contact as a vCard 4.0, one after the other (RFC 6350 allows many per file). */
export async function* exportVCards(ds: DataSource, userId: string): AsyncGenerator<string> {
  const sql = `
    SELECT c.id, c.first_name AS "firstName", c.last_name AS "lastName", c.email, c.phone, c.title,
           c.linkedin_url AS "linkedinUrl", o.name AS "organisationName", c.notes, c.tags, c.timezone,
           c.updated_at AS "updatedAt"
      FROM contacts c
      LEFT JOIN organisations o ON o.id = c.organisation_id AND o.user_id = c.user_id
     WHERE c.user_id = $1 AND c.id > $2
     ORDER BY c.id LIMIT ${EXPORT_BATCH}`;
  for await (const rows of pages<VCardContact>((after) => ds.query(sql, [userId, after]))) {
    yield rows.map(contactVCard).join('');
  }
}

/** The columns an event needs, with the agenda in order; shared by the download and the feed. */
export const ICS_MEETING_COLUMNS = `
  m.id, m.title, m.starts_at AS "startsAt", m.ends_at AS "endsAt", m.location, m.video_url AS "videoUrl",
  m.status, m.ics_sequence AS "icsSequence", m.updated_at AS "updatedAt",
  COALESCE((SELECT json_agg(json_build_object('text', a.text) ORDER BY a.position)
              FROM meeting_agenda_items a WHERE a.meeting_id = m.id AND a.user_id = m.user_id), '[]') AS agenda`;

/** Every meeting, cancelled ones marked so, as one calendar. */
export async function* exportIcs(ds: DataSource, userId: string, domain: string): AsyncGenerator<string> {
  yield icsHeader('Rapport meetings');
  const sql = `SELECT ${ICS_MEETING_COLUMNS} FROM meetings m
                WHERE m.user_id = $1 AND m.id > $2 ORDER BY m.id LIMIT ${EXPORT_BATCH}`;
  for await (const rows of pages<IcsMeeting>((after) => ds.query(sql, [userId, after]))) {
    yield rows.map((m) => meetingVEvent(m, domain)).join('');
  }
  yield ICS_FOOTER;
}
