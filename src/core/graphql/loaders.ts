import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { EntityReader } from '../db/entity-reader';
import { padForGenericPlan } from '../db/prepared';
import type { LoaderFactory } from '../feature';
import type { NodeBudget } from './node-budget';
import { isUuid } from '../ids';

const readers = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, EntityReader<ObjectLiteral>>>();

/** The entity's reader for whole rows (built once per data source). */
export function readerOf<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>): EntityReader<T> {
  let byEntity = readers.get(ds);
  if (!byEntity) readers.set(ds, (byEntity = new Map()));
  let reader = byEntity.get(entity);
  if (!reader) {
    reader = new EntityReader(ds, entity as new () => ObjectLiteral);
    byEntity.set(entity, reader);
  }
  return reader as EntityReader<T>;
}

/**
 * Loads rows of one user by id, batched per tick: a page of N items with a relation costs one
 * statement for that relation, not N. Rows of other users come back as null. Whole rows, read by
 * a prepared statement (see EntityReader): loaders serve every request, so TypeORM's per-call
 * query building is left out of them.
 */
export function byId<T extends ObjectLiteral & { id: string }>(
  ds: DataSource,
  entity: EntityTarget<T>,
  userId: string | null,
  budget: NodeBudget,
) {
  return new DataLoader<string, T | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    if (!userId || !valid.length) return ids.map(() => null);
    const reader = readerOf(ds, entity);
    const rows = await reader.readWhole(
      `${reader.column('t', 'id')} = ANY($1::uuid[]) AND ${reader.column('t', 'userId')} = $2`,
      '',
      [padForGenericPlan(valid), userId],
    );
    budget.spend(rows.length);
    const found = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Loads the children of many parents in one statement, grouped by the parent id column. */
export function byParent<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<T>,
  parentKey: keyof T & string,
  userId: string | null,
  order: Partial<Record<keyof T & string, 'ASC' | 'DESC'>>,
  budget: NodeBudget,
) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    if (!userId) return parentIds.map(() => []);
    const reader = readerOf(ds, entity);
    const rows = await reader.readWhole(
      `${reader.column('t', parentKey)} = ANY($1::uuid[]) AND ${reader.column('t', 'userId')} = $2`,
      Object.entries(order)
        .map(([property, direction]) => `${reader.column('t', property)} ${direction as string}`)
        .join(', '),
      [padForGenericPlan(parentIds), userId],
    );
    budget.spend(rows.length);
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) groups.get(row[parentKey] as string)?.push(row);
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/** The loaders a set of factories builds: one property per factory, typed by what it returns. */
export type LoadersOf<F extends Record<string, LoaderFactory>> = { readonly [K in keyof F]: ReturnType<F[K]> };

/**
 * A request's loaders over `factories`, each made the first time a resolver uses it (most
 * requests use one or two). The accessors live on a per-factory-set prototype, so a request
 * pays for one small object.
 */
export function loaderSet<F extends Record<string, LoaderFactory>>(
  factories: F,
): (ds: DataSource, userId: string | null, budget: NodeBudget) => LoadersOf<F> {
  class RequestLoaders {
    readonly made: Partial<Record<string, unknown>> = {};

    constructor(
      readonly ds: DataSource,
      readonly userId: string | null,
      readonly budget: NodeBudget,
    ) {}
  }
  for (const name of Object.keys(factories)) {
    Object.defineProperty(RequestLoaders.prototype, name, {
      enumerable: true,
      get(this: RequestLoaders) {
        return (this.made[name] ??= factories[name](this.ds, this.userId, this.budget));
      },
    });
  }
  return (ds, userId, budget) => new RequestLoaders(ds, userId, budget) as unknown as LoadersOf<F>;
}
