import type { DataSource } from 'typeorm';
import { CoreErrorReason, NotFoundError, ValidationError } from '../../../core/errors';
import { isUuid } from '../../../core/ids';
import type { AuthUser } from '../../auth/access-tokens';
import { Contact } from '../contact.entity';
import { lockContactsOf } from '../import/contacts-lock';
import { linkedinKeySql } from '../import/matching';
import { DuplicateDismissal } from './duplicate-dismissal.entity';
import { type DuplicateReason, type DuplicateContactPage } from './duplicate-contacts.types';

export const DUPLICATES_MAX_PAGE = 100;

/** A key shared by more contacts than this is no sign of one person (ten J. Smiths at a bank). */
export const DUPLICATE_GROUP_MAX = 10;

// Each reason is an equality join on a key (hash joins: no pairwise comparison of every two
// contacts). A key's group is joined only while it is small, so a network built to share one key
// (25,000 "J. Smith"s) cannot make the pairs quadratic. A pair appears once, with its strongest reason.
const PAIRS_SQL = `
  WITH keys AS (
    SELECT id, organisation_id AS org,
           nullif(lower(btrim(email)), '') AS email_key,
           ${linkedinKeySql('linkedin_url')} AS linkedin_key,
           regexp_replace(lower(first_name || coalesce(last_name, '')), '\\s+', '', 'g') AS name_key,
           CASE WHEN nullif(btrim(last_name), '') IS NOT NULL
             THEN regexp_replace(lower(left(btrim(first_name), 1) || '|' || last_name), '\\s+', '', 'g') END AS initial_key
    FROM contacts WHERE user_id = $1
  ),
  c AS (
    SELECT *, count(*) OVER (PARTITION BY email_key) AS email_n,
           count(*) OVER (PARTITION BY linkedin_key) AS linkedin_n,
           count(*) OVER (PARTITION BY org, name_key) AS name_n,
           count(*) OVER (PARTITION BY org, initial_key) AS initial_n
    FROM keys
  ),
  pairs AS (
    SELECT a.id AS a_id, b.id AS b_id, 1 AS rank, 'SAME_EMAIL' AS reason
      FROM c a JOIN c b ON a.email_key = b.email_key AND a.id < b.id
      WHERE a.email_n <= ${DUPLICATE_GROUP_MAX}
    UNION ALL
    SELECT a.id, b.id, 2, 'SAME_LINKEDIN_URL'
      FROM c a JOIN c b ON a.linkedin_key = b.linkedin_key AND a.id < b.id
      WHERE a.linkedin_n <= ${DUPLICATE_GROUP_MAX}
    UNION ALL
    SELECT a.id, b.id, 3, 'SIMILAR_NAME_SAME_ORGANISATION'
      FROM c a JOIN c b ON a.org = b.org AND a.name_key = b.name_key AND a.id < b.id
      WHERE a.name_n <= ${DUPLICATE_GROUP_MAX}
    UNION ALL
    SELECT a.id, b.id, 3, 'SIMILAR_NAME_SAME_ORGANISATION'
      FROM c a JOIN c b ON a.org = b.org AND a.initial_key = b.initial_key AND a.id < b.id
      WHERE a.initial_n <= ${DUPLICATE_GROUP_MAX}
  )
  SELECT DISTINCT ON (a_id, b_id) a_id, b_id, reason FROM pairs
  WHERE ($2::uuid IS NULL OR (a_id, b_id) > ($2::uuid, $3::uuid))
    AND NOT EXISTS (
      SELECT 1 FROM duplicate_dismissals d
      WHERE (d.contact_id, d.other_contact_id) IN ((a_id, b_id), (b_id, a_id)))
  ORDER BY a_id, b_id, rank
  LIMIT $4`;

const cursorOf = (a: string, b: string) => Buffer.from(`${a}:${b}`).toString('base64url');

function parseCursor(after: string | null | undefined): [string | null, string | null] {
  if (!after) return [null, null];
  const [a, b] = Buffer.from(after, 'base64url').toString().split(':');
  if (!isUuid(a) || !isUuid(b))
    throw ValidationError.field('after', 'is not a cursor from this list', CoreErrorReason.INVALID_CURSOR);
  return [a, b];
}

/** Pairs one user may dismiss: each is a row, and the list of them is never read whole. */
export const DISMISSALS_MAX = 10_000;

/** Suggests pairs of the user's contacts that look like one person; remembers the pairs that are not. */
export class DuplicateContactsService {
  constructor(private readonly ds: DataSource) {}

  /**
   * The two contacts are different people: duplicateContacts stops pairing them. Idempotent.
   * NOT_FOUND unless both are the user's; BAD_USER_INPUT for the same id twice or past DISMISSALS_MAX.
   */
  async dismiss(user: AuthUser, contactId: string, otherContactId: string): Promise<boolean> {
    if (!isUuid(contactId) || !isUuid(otherContactId)) throw new NotFoundError('Contact');
    if (contactId === otherContactId) throw ValidationError.field('input.otherContactId', 'must be another contact');
    return this.ds.transaction(async (m) => {
      // Serialised with imports and merges of the user's contacts, and with other dismissals (the cap).
      await lockContactsOf(m, user.id);
      const [{ owned, dismissed, total }]: { owned: number; dismissed: boolean; total: number }[] = await m.query(
        `SELECT (SELECT count(*)::int FROM contacts WHERE user_id = $1 AND id IN ($2, $3)) AS owned,
                EXISTS (SELECT 1 FROM duplicate_dismissals
                        WHERE (contact_id, other_contact_id) IN (($2, $3), ($3, $2))) AS dismissed,
                (SELECT count(*)::int FROM duplicate_dismissals WHERE user_id = $1) AS total`,
        [user.id, contactId, otherContactId],
      );
      if (owned !== 2) throw new NotFoundError('Contact');
      if (dismissed) return true;
      if (total >= DISMISSALS_MAX) {
        throw ValidationError.field(
          'input.contactId',
          `at most ${DISMISSALS_MAX} pairs can be dismissed`,
          CoreErrorReason.LIMIT_REACHED,
        );
      }
      await m.getRepository(DuplicateDismissal).insert({ userId: user.id, contactId, otherContactId });
      return true;
    });
  }

  async list(user: AuthUser, first: number, after?: string | null): Promise<DuplicateContactPage> {
    if (!Number.isInteger(first) || first < 1 || first > DUPLICATES_MAX_PAGE) {
      throw ValidationError.field('first', `must be between 1 and ${DUPLICATES_MAX_PAGE}`);
    }
    const [afterA, afterB] = parseCursor(after);
    const rows: { a_id: string; b_id: string; reason: DuplicateReason }[] = await this.ds.query(PAIRS_SQL, [
      user.id,
      afterA,
      afterB,
      first + 1,
    ]);
    const page = rows.slice(0, first);
    const ids = [...new Set(page.flatMap((r) => [r.a_id, r.b_id]))];
    const contacts = ids.length
      ? await this.ds.getRepository(Contact).findBy(ids.map((id) => ({ id, userId: user.id })))
      : [];
    const byId = new Map(contacts.map((c) => [c.id, c]));
    const pairs = page.map((r) => {
      // The older contact first: the one a user most likely wants to keep.
      const [x, y] = [byId.get(r.a_id)!, byId.get(r.b_id)!].sort((p, q) => +p.createdAt - +q.createdAt);
      return { contact: x, duplicate: y, reason: r.reason };
    });
    const last = page[page.length - 1];
    return { pairs, hasNextPage: rows.length > first, endCursor: last ? cursorOf(last.a_id, last.b_id) : null };
  }
}
