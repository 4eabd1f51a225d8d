import type { EntityManager } from 'typeorm';

/**
 * Serialises the bulk changes to one user's contacts (imports, merges) until the transaction
 * ends, so two imports of one file cannot both create the same people.
 */
export async function lockContactsOf(m: EntityManager, userId: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('contacts:bulk'), hashtext($1))`, [userId]);
}
