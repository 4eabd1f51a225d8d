import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createAppDataSource } from '../../src/app/infrastructure';
import { databaseUrl, testServerUrls, workerId } from '../helpers/test-env';

// A scratch database of its own, migrated down to before the interactions table and up again.
const name = `rapport_interactions_migration_${workerId()}`;
const MIGRATION = 1795305600130;
let ds: DataSource;

beforeAll(async () => {
  const admin = new Client({ connectionString: testServerUrls().database });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  ds = await createAppDataSource({
    db: { url: databaseUrl(name), poolSize: 2, ssl: false, statementTimeoutMs: 0 },
  }).initialize();
  await ds.runMigrations({ transaction: 'each' });
});
afterAll(() => ds.destroy());

/** Undoes migrations until the interactions one is undone too. */
async function downToBefore(): Promise<void> {
  for (;;) {
    const [last] = await ds.query(`SELECT timestamp FROM migrations ORDER BY id DESC LIMIT 1`);
    if (!last || Number(last.timestamp) < MIGRATION) return;
    await ds.undoLastMigration({ transaction: 'each' });
  }
}

// What logInteraction used to write, and what people did to their notes around it.
const LEGACY: Record<string, string | null> = {
  plain: 'Met at a meetup.\n\n2024-03-01: Coffee chat\n\n2024-03-09: Call about the role',
  onlyLogged: '2024-01-05: First call',
  // Logged with `at` in the past after a later one: the order stays as logged.
  outOfOrder: 'Intro.\n\n2024-05-10: Later\n\n2024-02-01: Logged late, about February',
  // A user's own text after the entries: nothing after it is taken, so the entries stay too.
  editedAfter: 'Intro\n\n2024-03-01: Coffee\n\nMy own remark, typed later.',
  // A multi-paragraph note: the trailing paragraph is not dated, so all of it stays.
  multiParagraph: 'Intro\n\n2024-04-01: First line\n\nsecond paragraph of the same note',
  // Not real dates, a missing space, a padded note: not what logInteraction wrote.
  odd: '2024-02-30: not a day\n\n2024-13-01: no month\n\n2024-04-01:no space\n\n2024-04-02:  padded',
  unicode: 'Zoë — notes 🚀\n\n2024-06-01: Café with Zoë 🚀 <b>bold</b> & \\ backslash\nsecond line',
  // Not the separator logInteraction wrote (its block starts with a line break).
  threeNewlines: 'Text\n\n\n2024-07-01: after three newlines',
  tooLong: `Intro\n\n2024-07-02: ${'x'.repeat(2001)}`,
  empty: '',
  none: null,
  tokyo: '2024-12-31: New Year’s Eve in Tokyo',
};

it('moves logged entries out of notes into rows, keeps every other character, and down restores the notes', async () => {
  await downToBefore();
  const [user] = await ds.query(
    `INSERT INTO users (email, password_hash, name, timezone) VALUES ($1, 'x', 'Ada', 'Europe/Paris') RETURNING id`,
    [`legacy-${Date.now()}@example.test`],
  );
  const [tokyoUser] = await ds.query(
    `INSERT INTO users (email, password_hash, name, timezone) VALUES ($1, 'x', 'Ken', 'Asia/Tokyo') RETURNING id`,
    [`legacy-tokyo-${Date.now()}@example.test`],
  );
  const ids: Record<string, string> = {};
  for (const [key, notes] of Object.entries(LEGACY)) {
    const owner = key === 'tokyo' ? tokyoUser.id : user.id;
    const [row] = await ds.query(`INSERT INTO contacts (user_id, first_name, notes) VALUES ($1, $2, $3) RETURNING id`, [
      owner,
      key,
      notes,
    ]);
    ids[key] = row.id;
  }

  await ds.runMigrations({ transaction: 'each' });
  const notesOf = async (key: string) =>
    (await ds.query(`SELECT notes FROM contacts WHERE id = $1`, [ids[key]]))[0].notes as string | null;
  const rowsOf = async (key: string) =>
    ds.query(
      `SELECT kind, note, to_char(occurred_at AT TIME ZONE u.timezone, 'YYYY-MM-DD HH24:MI') AS local
       FROM interactions i JOIN users u ON u.id = i.user_id WHERE i.contact_id = $1 ORDER BY i.created_at, i.id`,
      [ids[key]],
    );

  expect(await notesOf('plain')).toBe('Met at a meetup.');
  expect(await rowsOf('plain')).toEqual([
    { kind: 'OTHER', note: 'Coffee chat', local: '2024-03-01 12:00' },
    { kind: 'OTHER', note: 'Call about the role', local: '2024-03-09 12:00' },
  ]);
  expect(await notesOf('onlyLogged')).toBeNull();
  expect(await rowsOf('onlyLogged')).toEqual([{ kind: 'OTHER', note: 'First call', local: '2024-01-05 12:00' }]);
  expect(await notesOf('outOfOrder')).toBe('Intro.');
  expect((await rowsOf('outOfOrder')).map((r: { note: string }) => r.note)).toEqual([
    'Later',
    'Logged late, about February',
  ]);
  expect(await notesOf('unicode')).toBe('Zoë — notes 🚀');
  expect(await rowsOf('unicode')).toEqual([
    { kind: 'OTHER', note: 'Café with Zoë 🚀 <b>bold</b> & \\ backslash\nsecond line', local: '2024-06-01 12:00' },
  ]);
  expect(await rowsOf('tokyo')).toEqual([
    { kind: 'OTHER', note: 'New Year’s Eve in Tokyo', local: '2024-12-31 12:00' },
  ]);
  // Unrecognised or ambiguous: left exactly as they were, no rows.
  for (const key of ['editedAfter', 'multiParagraph', 'odd', 'threeNewlines', 'tooLong', 'empty', 'none']) {
    expect([key, await notesOf(key)]).toEqual([key, LEGACY[key]]);
    expect([key, await rowsOf(key)]).toEqual([key, []]);
  }

  // An interaction logged after the migration goes back into the notes too, in the old format.
  await ds.query(
    `INSERT INTO interactions (user_id, contact_id, kind, occurred_at, note) VALUES ($1, $2, 'CALL', '2024-08-01T23:30:00Z', 'New call')`,
    [user.id, ids.plain],
  );
  await ds.query(
    `INSERT INTO interactions (user_id, contact_id, occurred_at) VALUES ($1, $2, '2024-08-02T10:00:00Z')`,
    [user.id, ids.none],
  );

  await downToBefore();
  for (const [key, notes] of Object.entries(LEGACY)) {
    // 23:30 UTC is already 2 August in Paris, as logInteraction would have dated it.
    const expected = key === 'plain' ? `${notes}\n\n2024-08-02: New call` : notes;
    expect([key, await notesOf(key)]).toEqual([key, expected]);
  }
  await ds.runMigrations({ transaction: 'each' });
});
