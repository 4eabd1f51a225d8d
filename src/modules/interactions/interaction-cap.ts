import type { EntityManager } from 'typeorm';
import { CoreErrorReason, ValidationError } from '../../core/errors';

/** Logged interactions one contact may have: years of weekly calls, not a script's flood. */
export const MAX_INTERACTIONS_PER_CONTACT = 5_000;

/** BAD_USER_INPUT on `input.contactId` (logInteraction's) once the contact has the most it may have (caller holds its lock). */
export async function assertUnderInteractionCap(m: EntityManager, userId: string, contactId: string): Promise<void> {
  const [{ full }]: { full: boolean }[] = await m.query(
    `SELECT count(*) >= $3 AS full FROM (
       SELECT 1 FROM interactions WHERE contact_id = $2 AND user_id = $1 LIMIT $3
     ) capped`,
    [userId, contactId, MAX_INTERACTIONS_PER_CONTACT],
  );
  if (full) {
    throw ValidationError.field(
      'input.contactId',
      `already has ${MAX_INTERACTIONS_PER_CONTACT} logged interactions, the most one contact can have`,
      CoreErrorReason.LIMIT_REACHED,
    );
  }
}
