import type { MigrationInterface, QueryRunner } from 'typeorm';

// logInteraction used to append "\n\n<YYYY-MM-DD in the user's zone>: <note>" to the contact's
// notes. The trailing run of such paragraphs becomes rows; everything before it stays, so text a
// user wrote or edited is never moved. A paragraph counts only when it is exactly what the old
// code wrote: a real date, ": ", a trimmed note of at most 2000 characters.
const SEPARATOR = '\n\n';
const ENTRY = /^(\d{4}-\d{2}-\d{2}): (\S(?:[^]*\S)?)$/;
const NOTE_MAX = 2000;
const BATCH = 500;

function isRealDate(day: string): boolean {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}

/** The notes split into what stays and the logged entries at their end, oldest first. */
function splitLegacyNotes(notes: string): { kept: string | null; entries: { day: string; note: string }[] } {
  const blocks = notes.split(SEPARATOR);
  const entries: { day: string; note: string }[] = [];
  while (blocks.length) {
    const match = ENTRY.exec(blocks[blocks.length - 1]);
    if (!match || !isRealDate(match[1]) || match[2].length > NOTE_MAX) break;
    entries.unshift({ day: match[1], note: match[2] });
    blocks.pop();
  }
  return { kept: blocks.length ? blocks.join(SEPARATOR) : null, entries };
}

/**
 * Logged interactions as rows of their own (the contact's timeline), with the entries that
 * logInteraction appended to contacts' notes moved into them. Down appends every row with a note
 * back to its contact's notes in the old format, in the order they were logged.
 */
export class CreateInteractions1795305600130 implements MigrationInterface {
  name = 'CreateInteractions1795305600130';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "interaction_kind" AS ENUM ('CALL', 'EMAIL', 'MESSAGE', 'COFFEE', 'OTHER')`);
    await q.query(`
      CREATE TABLE "interactions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "contact_id" uuid NOT NULL,
        "kind" "interaction_kind" NOT NULL DEFAULT 'OTHER',
        "occurred_at" timestamptz NOT NULL,
        "note" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "interactions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "interactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "interactions_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "interactions_user_id_idx" ON "interactions" ("user_id")`);
    await q.query(
      `CREATE INDEX "interactions_contact_id_occurred_at_idx" ON "interactions" ("contact_id", "occurred_at", "id")`,
    );

    // Contacts whose notes end in a dated paragraph, a batch at a time in id order.
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: { id: string; user_id: string; notes: string }[] = await q.query(
        `SELECT id, user_id, notes FROM contacts
         WHERE id > $1 AND notes ~ '\\d{4}-\\d{2}-\\d{2}: ' ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (!rows.length) break;
      after = rows[rows.length - 1].id;
      for (const row of rows) {
        const { kept, entries } = splitLegacyNotes(row.notes);
        if (!entries.length) continue;
        // Noon of that day in the user's zone: the day reads back the same. created_at steps by a
        // microsecond per entry, so the order they were logged in survives (down relies on it).
        await q.query(
          `INSERT INTO interactions (user_id, contact_id, kind, occurred_at, note, created_at)
           SELECT $1, $2, 'OTHER', (e.day::date + time '12:00') AT TIME ZONE u.timezone, e.note,
                  now() + e.n * interval '1 microsecond'
           FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS e(day, note, n)
           JOIN users u ON u.id = $1`,
          [row.user_id, row.id, entries.map((e) => e.day), entries.map((e) => e.note)],
        );
        await q.query(`UPDATE contacts SET notes = $2 WHERE id = $1`, [row.id, kept]);
      }
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE contacts c SET notes = concat_ws(E'\\n\\n', NULLIF(c.notes, ''), logged.text)
      FROM (
        SELECT i.contact_id,
               string_agg(to_char(i.occurred_at AT TIME ZONE u.timezone, 'YYYY-MM-DD') || ': ' || i.note,
                          E'\\n\\n' ORDER BY i.created_at, i.id) AS text
        FROM interactions i JOIN users u ON u.id = i.user_id
        WHERE i.note IS NOT NULL
        GROUP BY i.contact_id
      ) logged
      WHERE c.id = logged.contact_id`);
    await q.query(`DROP TABLE "interactions"`);
    await q.query(`DROP TYPE "interaction_kind"`);
  }
}
