import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, ValidationError } from '../../../core/errors';
import { isUuid } from '../../../core/ids';
import { LIMITS, normalizeTags } from '../../../core/inputs';
import type { AuthUser } from '../../auth/access-tokens';
import type { OutboxChange } from '../../emails/email-queue';
import type { OutboxService } from '../../emails/outbox.service';
import { Contact, HowWeKnow } from '../contact.entity';
import { lockContactsOf } from '../import/contacts-lock';
import { reportsUpTo } from '../reporting-lines';

/** A column that points at a contact: every one of them is moved on a merge. */
export interface ContactReference {
  table: string;
  column: string;
}

/** Every foreign-key column that references contacts(id), read from the catalog. */
export async function contactReferences(m: EntityManager): Promise<ContactReference[]> {
  return m.query(
    `SELECT cl.relname AS "table", a.attname AS "column"
     FROM pg_constraint k
     JOIN pg_class cl ON cl.oid = k.conrelid
     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)
     WHERE k.contype = 'f' AND k.confrelid = 'contacts'::regclass
     ORDER BY 1, 2`,
  );
}

const FILLED = ['lastName', 'email', 'phone', 'title', 'linkedinUrl', 'organisationId', 'timezone'] as const;

/** Merges two of a user's contacts into one. */
export class ContactMergeService {
  // Read once per process: the schema only changes with a deploy.
  private references?: ContactReference[];

  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Moves everything that points at `mergeId` (meetings, insights, promises, job leads, emails,
   * introductions and reporting lines both ways, and any table added later) to `keepId`, fills the kept contact's
   * empty fields from the other, and deletes it; one transaction.
   */
  async merge(user: AuthUser, keepId: string, mergeId: string): Promise<Contact> {
    if (keepId === mergeId) throw ValidationError.field('input.mergeId', 'must be another contact than keepId');
    const changes: OutboxChange[] = [];
    const kept = await this.ds.transaction(async (m) => {
      await lockContactsOf(m, user.id);
      const repo = m.getRepository(Contact);
      const found =
        isUuid(keepId) && isUuid(mergeId)
          ? await repo.find({
              where: [
                { id: keepId, userId: user.id },
                { id: mergeId, userId: user.id },
              ],
              lock: { mode: 'pessimistic_write' },
            })
          : [];
      const keep = found.find((c) => c.id === keepId);
      const gone = found.find((c) => c.id === mergeId);
      if (!keep || !gone) throw new NotFoundError('Contact');

      this.references ??= await contactReferences(m);
      for (const { table, column } of this.references) {
        await m.query(`UPDATE "${table}" SET "${column}" = $1 WHERE "${column}" = $2`, [keepId, mergeId]);
      }
      // The unique email moves only once the other contact no longer holds it.
      await repo.update({ id: mergeId }, { email: null, linkedinUrl: null });
      for (const key of FILLED)
        if (keep[key] === null && gone[key] !== null) (keep as unknown as Record<string, unknown>)[key] = gone[key];
      keep.notes = [keep.notes, gone.notes].filter(Boolean).join('\n\n').slice(0, LIMITS.notes) || null;
      keep.tags = normalizeTags([...keep.tags, ...gone.tags]).slice(0, LIMITS.tags);
      keep.isDecisionMaker ||= gone.isDecisionMaker;
      // Either one asked not to be emailed: the person did.
      keep.emailOptOut ||= gone.emailOptOut;
      keep.keepInTouchEveryDays ??= gone.keepInTouchEveryDays;
      keep.sourceMeetingId ??= gone.sourceMeetingId;
      // Connected since the earlier of the two days (YYYY-MM-DD compares as text).
      if (gone.connectedOn && (!keep.connectedOn || gone.connectedOn < keep.connectedOn)) {
        keep.connectedOn = gone.connectedOn;
      }
      if (keep.howWeKnow === HowWeKnow.OTHER) keep.howWeKnow = gone.howWeKnow;
      if (gone.lastContactedAt && (!keep.lastContactedAt || gone.lastContactedAt > keep.lastContactedAt)) {
        keep.lastContactedAt = gone.lastContactedAt;
      }
      // Introductions: never by oneself, never in a circle (the moved ones included).
      if (keep.introducedById === mergeId) keep.introducedById = null;
      if (keep.introducedById === null && gone.introducedById !== keepId) keep.introducedById = gone.introducedById;
      if (keep.introducedById && (await this.wouldCycle(m, keepId, keep.introducedById))) keep.introducedById = null;
      // Reporting lines the same way: the kept contact never reports to itself or its reports.
      if (keep.reportsToId === mergeId) keep.reportsToId = null;
      if (keep.reportsToId === null && gone.reportsToId !== keepId) keep.reportsToId = gone.reportsToId;
      if (keep.reportsToId && (await reportsUpTo(m, keep.reportsToId, keepId))) keep.reportsToId = null;
      await repo.delete({ id: mergeId, userId: user.id });
      const saved = await repo.save(keep);
      // Their emails now go to the kept contact's address and zone.
      changes.push(...(await this.outbox.syncContact(m, user.id, keepId)));
      return saved;
    });
    await this.outbox.commit(changes);
    return kept;
  }

  /** Whether making `introducerId` introduce `contactId` would put the contact in its own chain. */
  private async wouldCycle(m: EntityManager, contactId: string, introducerId: string): Promise<boolean> {
    const [row] = await m.query(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT $2::uuid, 1
         UNION ALL
         SELECT c.introduced_by_id, chain.depth + 1 FROM contacts c JOIN chain ON c.id = chain.id
         WHERE c.introduced_by_id IS NOT NULL AND chain.depth < 50
       )
       SELECT EXISTS (SELECT 1 FROM chain WHERE id = $1) AS found`,
      [contactId, introducerId],
    );
    return row.found as boolean;
  }
}
