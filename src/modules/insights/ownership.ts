import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { relationNotFound } from '../../core/errors';
import { isUuid } from '../../core/ids';

/**
 * The user's row `requested` points at, for a write that links to it: undefined (left out) and
 * null (cleared) pass through; a missing id or another user's is NOT_FOUND naming `field`.
 */
export async function ownRow<T extends ObjectLiteral & { id: string; userId: string }>(
  m: EntityManager,
  entity: EntityTarget<T>,
  userId: string,
  requested: string | null | undefined,
  field: string,
  what: string,
): Promise<T | null | undefined> {
  if (requested === undefined || requested === null) return requested;
  const row = isUuid(requested)
    ? await m.getRepository(entity).findOneBy({ id: requested, userId } as Partial<T> as never)
    : null;
  if (!row) throw relationNotFound(field, what);
  return row;
}
