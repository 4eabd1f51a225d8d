import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { EntityReader } from '../db/entity-reader';
import { padForGenericPlan, queryPrepared } from '../db/prepared';
import type { NodeBudget } from './node-budget';
import { edge, orderTag, pageInfo, type KeysetOrder, type Page } from './pagination';

/** How a child list is read for many parents at once. */
export interface ChildPages<T extends object> {
  /** Reader of the child entity; its rows are read whole under `alias`. */
  reader: EntityReader<T>;
  /** The child table's alias in `order`'s expressions. */
  alias: string;
  /** The child property holding the parent's id. */
  parentKey: keyof T & string;
}

/**
 * First pages of one child list for many parents, one statement per level: the parents of a
 * page (say 20 organisations, each asked for `contacts(first: 10)`) are batched into one read
 * that takes each parent's first `first + 1` children in the list's keyset order.
 * Edges and cursors are the ones `paginate` makes with the same order, so a client pages on
 * from the end cursor through the single-parent path. Later pages (`after`) are not batched.
 * `totalCount` is one grouped count for every parent that asks.
 */
export function firstPagesByParent<T extends object>(
  ds: DataSource,
  userId: string | null,
  budget: NodeBudget,
  { reader, alias, parentKey }: ChildPages<T>,
): (parentId: string, first: number, order: KeysetOrder<T>) => Promise<Page<T>> {
  const all = reader.columnsFor(null);
  const parent = reader.column(alias, parentKey);
  const owner = reader.column(alias, 'userId');
  const table = reader.table;

  const counts = new DataLoader<string, number>(async (parentIds) => {
    if (!userId) return parentIds.map(() => 0);
    const rows = await queryPrepared<{ parent: string; n: number }>(
      ds,
      `SELECT ${parent} AS parent, count(*)::int AS n FROM ${table} "${alias}"
       WHERE ${parent} = ANY($1::uuid[]) AND ${owner} = $2 GROUP BY 1`,
      [padForGenericPlan(parentIds), userId],
    );
    const byParent = new Map(rows.map((r) => [r.parent, r.n]));
    return parentIds.map((id) => byParent.get(id) ?? 0);
  });

  // One loader per page shape: the statement's text carries the order and the page size.
  const loaders = new Map<string, DataLoader<string, Page<T>>>();
  const loaderFor = (first: number, order: KeysetOrder<T>) => {
    const key = `${first}\u0000${order.expression}\u0000${order.direction}`;
    let loader = loaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, Page<T>>((parentIds) => readPages(parentIds, first, order));
      loaders.set(key, loader);
    }
    return loader;
  };

  const readPages = async (parentIds: readonly string[], first: number, order: KeysetOrder<T>) => {
    if (!Number.isSafeInteger(first) || first < 0)
      throw new Error(`page size must be a non-negative integer: ${first}`);
    const rows = userId
      ? await queryPrepared(
          ds,
          // Each parent's page is read by its own index scan that stops after first + 1 rows
          // (LATERAL); a window over each parent's children would sort all of them. Ranked again
          // over those few rows, since only an ORDER BY orders a result. The page size is written
          // into the text, as paginateSql does, to keep a generic plan.
          `SELECT page.* FROM (SELECT DISTINCT unnest($1::uuid[]) AS parent_id) parents
           CROSS JOIN LATERAL (
             SELECT top.*, row_number() OVER (ORDER BY top.sort_value ${order.direction}, top.page_id ${order.direction}) AS page_rank
             FROM (
               SELECT ${all.selectList(alias)}, ${parent} AS page_parent, ${order.id} AS page_id,
                      ${order.expression} AS sort_value, CAST(${order.expression} AS text) AS sort_key
               FROM ${table} "${alias}" WHERE ${parent} = parents.parent_id AND ${owner} = $2
               ORDER BY ${order.expression} ${order.direction}, ${order.id} ${order.direction} LIMIT ${first + 1}
             ) top
           ) page
           ORDER BY page.page_parent, page.page_rank`,
          [padForGenericPlan(parentIds), userId],
        )
      : [];
    budget.spend(rows.length);
    const byParent = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) {
      const id = row.page_parent as string;
      let list = byParent.get(id);
      if (!list) byParent.set(id, (list = []));
      list.push(row);
    }
    // The tag the single-parent path gives the same list's cursors, so they page on from these.
    const tag = orderTag(reader.tableName, order);
    return parentIds.map((id): Page<T> => {
      const children = byParent.get(id) ?? [];
      const edges = children.slice(0, first).map((row) => {
        const node = reader.hydrate(row, alias, all)!;
        return edge(node, String(row.sort_key), order.idOf(node), tag);
      });
      return { edges, pageInfo: pageInfo(edges, children.length > first), count: () => counts.load(id) };
    });
  };

  return (parentId, first, order) => loaderFor(first, order).load(parentId);
}
