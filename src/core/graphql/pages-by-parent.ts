import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { ColumnSet, EntityReader } from '../db/entity-reader';
import { padForGenericPlan, queryPrepared } from '../db/prepared';
import type { NodeBudget } from './node-budget';
import {
  decodeCursor,
  edge,
  orderTag,
  pageWindow,
  readDirection,
  windowPage,
  type KeysetOrder,
  type Page,
  type PageArgs,
} from './pagination';

/** How a child list is read for many parents at once. */
export interface ChildPages<T extends object> {
  /** Reader of the child entity; its rows are read under `alias` (whole, unless a read names its columns). */
  reader: EntityReader<T>;
  /** The child table's alias in `order`'s expressions. */
  alias: string;
  /** The child property holding the parent's id. */
  parentKey: keyof T & string;
}

/**
 * A filter on a child list, as SQL over the child's alias: each condition may use `$n` for the
 * n-th of `values` (numbered from 1; they are renumbered into the statement).
 */
export interface ChildFilter {
  where: string[];
  values: unknown[];
}

/** What the reader returned by `pagesByParent` is asked for one parent. */
export type ChildPageRequest = PageArgs & { last?: number | null; before?: string | null };

/**
 * A first page read inside another statement (see core/graphql/prefetch.ts): `inline` writes it
 * as SQL values over the parent's id, `prime` hands what they returned to the request's loader,
 * which then answers the field without a statement of its own.
 */
export interface InlinePages<R> {
  /**
   * The SQL of the page (a JSON array) and, when `count`, of its totalCount, for the parent whose
   * id is `parentId` (SQL), or null when this request must be read on its own (a cursor).
   * `userId` is the SQL of the user's id; `param` adds a value to the statement and names it.
   */
  inline(
    request: R,
    parentId: string,
    userId: string,
    param: (value: unknown) => string,
    count: boolean,
  ): string[] | null;
  /** Primes the loader with what `inline`'s SQL returned for `parentId`. */
  prime(request: R, parentId: string, values: unknown[]): void;
}

/** A child list's page as `pagesByParent` reads it. */
export interface ChildPageRead<T> {
  page: ChildPageRequest;
  order: KeysetOrder<T>;
  filter?: ChildFilter;
}

type PagesReader<T extends object> = ((
  parentId: string,
  page: ChildPageRequest,
  order: KeysetOrder<T>,
  filter?: ChildFilter,
  /** The child columns to read (from the reader's `columnsFor`); every column when left out. */
  columns?: ColumnSet,
) => Promise<Page<T>>) &
  InlinePages<ChildPageRead<T>>;

const NO_FILTER: ChildFilter = { where: [], values: [] };

// Shifts `$1…` of a filter's conditions to start after the statement's own parameters.
const renumber = (sql: string, offset: number) => sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);

/**
 * Pages of one child list for many parents, one statement per level: the parents of a page
 * (say 20 organisations, each asked for `contacts(first: 10)`) are batched into one read that
 * takes each parent's first (or, with `last`, final) `size + 1` children in the list's keyset
 * order, under the same filter. Edges and cursors are the ones `paginate` makes with the same
 * order, so they page on through the single-parent lists too. A page after or before a cursor
 * names one parent's position, so it is read on its own (a client pages one list at a time).
 * `totalCount` is one grouped count for every parent that asks. A read may name the columns its
 * selection needs (partial entities: they stay on their page); pages inlined into a parent's
 * statement (`inline`/`prime`) read whole rows.
 */
export function pagesByParent<T extends object>(
  ds: DataSource,
  userId: string | null,
  budget: NodeBudget,
  { reader, alias, parentKey }: ChildPages<T>,
): PagesReader<T> {
  const all = reader.columnsFor(null);
  const parent = reader.column(alias, parentKey);
  const owner = reader.column(alias, 'userId');
  const table = reader.table;
  // The tag the single-parent lists give the same order's cursors, so cursors pass between them.
  const tagOf = (order: KeysetOrder<T>) => orderTag(reader.tableName, order);
  const conditions = (filter: ChildFilter, offset: number) => filter.where.map((w) => ` AND ${renumber(w, offset)}`);

  const countLoaders = new Map<string, DataLoader<string, number>>();
  const countsFor = (filter: ChildFilter) => {
    const key = JSON.stringify(filter);
    let loader = countLoaders.get(key);
    if (!loader) {
      loader = new DataLoader<string, number>(async (parentIds) => {
        if (!userId) return parentIds.map(() => 0);
        const rows = await queryPrepared<{ parent: string; n: number }>(
          ds,
          `SELECT ${parent} AS parent, count(*)::int AS n FROM ${table} "${alias}"
           WHERE ${parent} = ANY($1::uuid[]) AND ${owner} = $2${conditions(filter, 2).join('')} GROUP BY 1`,
          [padForGenericPlan(parentIds), userId, ...filter.values],
        );
        const byParent = new Map(rows.map((r) => [r.parent, r.n]));
        return parentIds.map((id) => byParent.get(id) ?? 0);
      });
      countLoaders.set(key, loader);
    }
    return loader;
  };

  // One loader per page shape: the statement's text carries the order, the direction and the size.
  const loaders = new Map<string, DataLoader<string, Page<T>>>();
  const loaderFor = (page: ChildPageRequest, order: KeysetOrder<T>, filter: ChildFilter, columns: ColumnSet) => {
    const window = pageWindow(page);
    const key = JSON.stringify([window.size, window.backward, order.expression, order.direction, filter]);
    const shape = columns === all ? key : `${key} ${columns.selectList(alias)}`;
    let loader = loaders.get(shape);
    if (!loader) {
      loader = new DataLoader<string, Page<T>>((parentIds) => readPages(parentIds, page, order, filter, columns));
      loaders.set(shape, loader);
    }
    return loader;
  };

  const readPages = async (
    parentIds: readonly string[],
    page: ChildPageRequest,
    order: KeysetOrder<T>,
    filter: ChildFilter,
    columns: ColumnSet,
  ): Promise<Page<T>[]> => {
    const window = pageWindow(page);
    const direction = readDirection(order.direction, window);
    const rows = userId
      ? await queryPrepared(
          ds,
          // Each parent's page is read by its own index scan that stops after size + 1 rows
          // (LATERAL); a window over each parent's children would sort all of them. Ranked again
          // over those few rows, since only an ORDER BY orders a result. The page size is written
          // into the text, as paginateSql does, to keep a generic plan.
          // Only the columns, the parent and the sort key come back; the rest orders the rows.
          `SELECT ${columns.columns.map((c) => `page."${alias}_${c.databaseName}"`).join(', ')},
                  page.page_parent, page.sort_key
           FROM (SELECT DISTINCT unnest($1::uuid[]) AS parent_id) parents
           CROSS JOIN LATERAL (
             SELECT top.*, row_number() OVER (ORDER BY top.sort_value ${direction}, top.page_id ${direction}) AS page_rank
             FROM (
               SELECT ${columns.selectList(alias)}, ${parent} AS page_parent, ${order.id} AS page_id,
                      ${order.expression} AS sort_value, CAST(${order.expression} AS text) AS sort_key
               FROM ${table} "${alias}" WHERE ${parent} = parents.parent_id AND ${owner} = $2${conditions(filter, 2).join('')}
               ORDER BY ${order.expression} ${direction}, ${order.id} ${direction} LIMIT ${window.size + 1}
             ) top
           ) page
           ORDER BY page.page_parent, page.page_rank`,
          [padForGenericPlan(parentIds), userId, ...filter.values],
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
    const tag = tagOf(order);
    const fromRow = rowReader(columns);
    return parentIds.map((id) =>
      toPage(byParent.get(id) ?? [], fromRow, window, order, tag, filter, id, async () => false),
    );
  };

  const rowReader =
    (columns: ColumnSet) =>
    (row: Record<string, unknown>): [T, string] => [reader.hydrate(row, alias, columns)!, String(row.sort_key)];
  // A row of an inline page: the columns, then the sort key (see inline).
  const fromJson = (row: unknown[]): [T, string] => [reader.hydrateJson(row, all)!, String(row.at(-1))];

  const toPage = <R>(
    rows: R[],
    read: (row: R) => [T, string],
    window: ReturnType<typeof pageWindow>,
    order: KeysetOrder<T>,
    tag: string,
    filter: ChildFilter,
    parentId: string,
    behind: () => Promise<boolean>,
  ): Page<T> => {
    const { edges, pageInfo } = windowPage(
      rows,
      window,
      (row) => {
        const [node, sortKey] = read(row);
        return edge(node, sortKey, order.idOf(node), tag);
      },
      behind,
    );
    return { edges, pageInfo, count: () => countsFor(filter).load(parentId) };
  };

  // A page from a cursor, for one parent: the same statement as a single-parent list's.
  const readFrom = async (
    parentId: string,
    page: ChildPageRequest,
    order: KeysetOrder<T>,
    filter: ChildFilter,
    columns: ColumnSet,
  ): Promise<Page<T>> => {
    const window = pageWindow(page);
    const tag = tagOf(order);
    const cursor = decodeCursor(window.cursor!, tag, order.type, window.cursorArg);
    const direction = readDirection(order.direction, window);
    const base = `FROM ${table} "${alias}" WHERE ${parent} = $1 AND ${owner} = $2${conditions(filter, 4).join('')}`;
    const past = (dir: 'ASC' | 'DESC', inclusive: boolean) =>
      ` AND (${order.expression}, ${order.id}) ${dir === 'ASC' ? '>' : '<'}${inclusive ? '=' : ''} (CAST($3 AS ${order.type}), CAST($4 AS uuid))`;
    const values = [parentId, userId, ...cursor, ...filter.values];
    const rows = userId
      ? await queryPrepared(
          ds,
          `SELECT ${columns.selectList(alias)}, CAST(${order.expression} AS text) AS sort_key ${base}${past(direction, false)}
           ORDER BY ${order.expression} ${direction}, ${order.id} ${direction} LIMIT ${window.size + 1}`,
          values,
        )
      : [];
    budget.spend(rows.length);
    const opposite = direction === 'ASC' ? 'DESC' : 'ASC';
    return toPage(rows, rowReader(columns), window, order, tag, filter, parentId, async () =>
      userId ? (await queryPrepared(ds, `SELECT 1 ${base}${past(opposite, true)} LIMIT 1`, values)).length > 0 : false,
    );
  };

  const read = (
    parentId: string,
    page: ChildPageRequest,
    order: KeysetOrder<T>,
    filter = NO_FILTER,
    columns: ColumnSet = all,
  ) => {
    const { cursor } = pageWindow(page);
    if (cursor) return readFrom(parentId, page, order, filter, columns);
    return loaderFor(page, order, filter, columns).load(parentId);
  };

  // The same rows as readPages reads for one parent, as a JSON array of [columns…, sort key].
  const inline: InlinePages<ChildPageRead<T>>['inline'] = (
    { page, order, filter = NO_FILTER },
    parentId,
    user,
    param,
    count,
  ) => {
    const window = pageWindow(page);
    const row = reader.jsonRow(alias, all, `CAST(${order.expression} AS text)`);
    if (window.cursor || !row || !userId) return null;
    const direction = readDirection(order.direction, window);
    // Only once the page is certain to be inlined: a value added is a parameter of the statement.
    const refs = filter.values.map(param);
    const where =
      `${parent} = ${parentId} AND ${owner} = ${user}` +
      filter.where.map((w) => ` AND ${w.replace(/\$(\d+)/g, (_, n: string) => refs[Number(n) - 1])}`).join('');
    const sql = [
      `(SELECT coalesce(json_agg(top.page_row ORDER BY top.sort_value ${direction}, top.page_id ${direction}), '[]'::json)
        FROM (SELECT ${row} AS page_row, ${order.expression} AS sort_value, ${order.id} AS page_id
              FROM ${table} "${alias}" WHERE ${where}
              ORDER BY ${order.expression} ${direction}, ${order.id} ${direction} LIMIT ${window.size + 1}) top)`,
    ];
    if (count) sql.push(`(SELECT count(*)::int FROM ${table} "${alias}" WHERE ${where})`);
    return sql;
  };

  const prime: InlinePages<ChildPageRead<T>>['prime'] = ({ page, order, filter = NO_FILTER }, parentId, values) => {
    const window = pageWindow(page);
    const rows = values[0] as unknown[][];
    // Over the request's budget, the field gets the error, as from its own read.
    let result: Page<T> | Error;
    try {
      budget.spend(rows.length);
      result = toPage(rows, fromJson, window, order, tagOf(order), filter, parentId, async () => false);
    } catch (err) {
      result = err as Error;
    }
    loaderFor(page, order, filter, all).prime(parentId, result);
    if (values.length > 1) countsFor(filter).prime(parentId, values[1] as number);
  };

  return Object.assign(read, { inline, prime });
}

/**
 * First pages of one child list for many parents (see `pagesByParent`), for the lists that page
 * on through their single-parent list: `first` only, no filter.
 */
export function firstPagesByParent<T extends object>(
  ds: DataSource,
  userId: string | null,
  budget: NodeBudget,
  child: ChildPages<T>,
): ((
  parentId: string,
  first: number | null | undefined,
  order: KeysetOrder<T>,
  columns?: ColumnSet,
) => Promise<Page<T>>) &
  InlinePages<ChildPageRead<T>> {
  const pages = pagesByParent(ds, userId, budget, child);
  return Object.assign(
    (parentId: string, first: number | null | undefined, order: KeysetOrder<T>, columns?: ColumnSet) =>
      pages(parentId, { first }, order, NO_FILTER, columns),
    { inline: pages.inline, prime: pages.prime },
  );
}
