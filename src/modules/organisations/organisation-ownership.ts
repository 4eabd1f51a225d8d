import type { EntityManager } from 'typeorm';
import { relationNotFound } from '../../core/errors';
import { isUuid } from '../../core/ids';
import { Organisation } from './organisation.entity';

/**
 * The id of the user's organisation `requested` (or `fallback` when none is given), for a write
 * that links to it; NOT_FOUND naming `field` when it is missing or another user's.
 */
export async function ownOrganisationId(
  m: EntityManager,
  userId: string,
  requested: string | null | undefined,
  field: string,
  fallback: string | null,
): Promise<string | null> {
  if (requested === undefined || requested === null) return fallback;
  const org = isUuid(requested) ? await m.getRepository(Organisation).findOneBy({ id: requested, userId }) : null;
  if (!org) throw relationNotFound(field, 'Organisation');
  return org.id;
}
