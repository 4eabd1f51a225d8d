import { createHash } from 'node:crypto';
import { Max, Min } from 'class-validator';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CoreErrorReason, ValidationError } from '../errors';
import { isCalendarDate } from '../validation';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field({ description: 'Always false when paging forward with `after` (Relay allows this).' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/** What a service returns for a list; the GraphQL connection types wrap it as is. */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** Counted only when the client asks for totalCount. */
  count: () => Promise<number>;
}

/** A Relay connection type named `${name}Connection`, with `${name}Edge`. */
export function Connection<T extends object>(Node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor: string;

    @Field(() => Node)
    node: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType implements Page<T> {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    count: () => Promise<number>;

    @Field(() => Int, { description: 'How many items match, across all pages.' })
    totalCount(): Promise<number> {
      return this.count();
    }
  }
  return ConnectionType;
}

/**
 * Keyset ordering: a SQL expression (with NULLs mapped to a sentinel) and the same value read
 * from a result row. The row's id always breaks ties, so the order is total and stable.
 */
export interface KeysetOrder<T> {
  /** SQL of the sort value, e.g. `lower(o.name)`; selected as `sort_key`. */
  expression: string;
  direction: 'ASC' | 'DESC';
  /** SQL cast for the cursor value, e.g. `text`, `timestamptz`, `float8`. */
  type: 'text' | 'timestamptz' | 'date' | 'float8' | 'int';
  /** SQL of the id column, e.g. `o.id`. */
  id: string;
  /** Reads the id of an entity. */
  idOf: (node: T) => string;
}

type SortOrder = Pick<KeysetOrder<unknown>, 'expression' | 'direction' | 'type'>;

// Names the order a cursor belongs to (table, sort expression, direction, type), so a cursor
// from another list or sort is refused rather than compared, and cast, in SQL.
export function orderTag(table: string, order: SortOrder): string {
  return createHash('sha256')
    .update(`${table}\0${order.expression}\0${order.direction}\0${order.type}`)
    .digest('base64url')
    .slice(0, 8);
}

function encodeCursor(value: string, id: string, tag: string): string {
  return Buffer.from(JSON.stringify([value, id, tag])).toString('base64url');
}

/** An edge whose cursor is encoded only if the client reads it. */
export function edge<T>(node: T, sortKey: string, id: string, tag: string): { cursor: string; node: T } {
  return {
    node,
    get cursor() {
      return encodeCursor(sortKey, id, tag);
    },
  };
}

/** The page's PageInfo; like the edges' cursors, its cursors are encoded only if read. */
export function pageInfo(edges: { cursor: string }[], hasNextPage: boolean): PageInfo {
  return {
    hasNextPage,
    hasPreviousPage: false,
    get startCursor() {
      return edges[0]?.cursor ?? null;
    },
    get endCursor() {
      return edges.at(-1)?.cursor ?? null;
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// PostgreSQL's ISO text form of a timestamptz, as CAST(... AS text) writes it.
const TIMESTAMPTZ = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;
const FLOAT = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/** Whether PostgreSQL can cast `value` to `type` (checked here so a forged cursor cannot fail in SQL). */
function castable(value: string, type: SortOrder['type']): boolean {
  switch (type) {
    case 'text':
      return !value.includes('\0');
    case 'date':
      return value === 'infinity' || value === '-infinity' || isCalendarDate(value);
    case 'timestamptz': {
      if (value === 'infinity' || value === '-infinity') return true;
      const m = TIMESTAMPTZ.exec(value);
      if (!m || !isCalendarDate(m[1])) return false;
      const [h, min, sec, offH, offM, offS] = m.slice(2).map((x) => Number(x ?? 0));
      return h < 24 && min < 60 && sec < 60 && offH <= 15 && offM < 60 && offS < 60;
    }
    case 'float8': {
      if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return true;
      if (!FLOAT.test(value)) return false;
      const n = Number(value);
      // Out of float8's range (an overflow, or an underflow to zero) is an error in PostgreSQL.
      return Number.isFinite(n) && (n !== 0 || !/[1-9]/.test(value.split(/e/i)[0]));
    }
    case 'int':
      return /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) <= 2_147_483_647;
  }
}

/** The sort value and id of a cursor made for `tag`; BAD_USER_INPUT on `after` for any other. */
export function decodeCursor(cursor: string, tag: string, type: SortOrder['type']): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed.every((x) => typeof x === 'string') &&
      parsed[2] === tag &&
      UUID.test(parsed[1]) &&
      castable(parsed[0], type)
    ) {
      return [parsed[0], parsed[1]];
    }
  } catch {
    // fall through
  }
  throw ValidationError.field('after', 'is not a cursor from this list and sort', CoreErrorReason.INVALID_CURSOR);
}

/**
 * Runs a page of `qb` ordered by `order`, after the given cursor. Fetches one extra row to
 * know whether there is a next page; counts lazily on a copy without order or cursor.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  { first, after }: PageArgs,
  order: KeysetOrder<T>,
): Promise<Page<T>> {
  const countQuery = qb.clone();
  const cmp = order.direction === 'ASC' ? '>' : '<';
  const main = qb.expressionMap.mainAlias;
  const tag = orderTag(main?.hasMetadata ? main.metadata.tableName : qb.alias, order);
  if (after) {
    const [value, id] = decodeCursor(after, tag, order.type);
    qb.andWhere(
      `(${order.expression}, ${order.id}) ${cmp} (CAST(:cursorValue AS ${order.type}), CAST(:cursorId AS uuid))`,
      {
        cursorValue: value,
        cursorId: id,
      },
    );
  }
  // The sort value travels as Postgres's own text form: exact for timestamps (microseconds)
  // and floats, and cast back to its type when compared.
  qb.addSelect(`CAST(${order.expression} AS text)`, 'sort_key')
    .orderBy(order.expression, order.direction)
    .addOrderBy(order.id, order.direction)
    .limit(first + 1);
  const { entities, raw } = await qb.getRawAndEntities();
  // Raw rows follow the entity order when the query has no joins that multiply rows.
  const sortKeys = new Map<string, string>(
    raw.map((r: Record<string, unknown>) => [String(r[`${qb.alias}_id`]), String(r.sort_key)]),
  );
  const rows = entities.slice(0, first);
  const edges = rows.map((node) => {
    const id = order.idOf(node);
    return edge(node, sortKeys.get(id) ?? '', id, tag);
  });
  return {
    edges,
    pageInfo: pageInfo(edges, entities.length > first),
    count: () => countQuery.getCount(),
  };
}

/** A list query written in SQL: positional parameters ($1…) in `where`, values in `values`. */
export interface SqlPageQuery<T> {
  /** The select list (without the sort key), e.g. from EntityReader.selectList. */
  select: string;
  /** FROM and JOIN clauses. */
  from: string;
  /** Conditions, ANDed; they may use $1…$n of `values`. */
  where: string[];
  values: unknown[];
  order: KeysetOrder<T>;
  /** Runs a statement (e.g. queryPrepared). */
  run: (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;
  /** Builds a node from a row. */
  hydrate: (row: Record<string, unknown>) => T;
  /** How many rows match, across pages; called only when the client asks for totalCount. */
  count: () => Promise<number>;
}

/**
 * The same keyset page as `paginate`, over hand-written SQL: the text depends only on the
 * query's shape (values are parameters, including the page size), so it can be prepared once.
 */
export async function paginateSql<T>(q: SqlPageQuery<T>, { first, after }: PageArgs): Promise<Page<T>> {
  const values = [...q.values];
  const where = [...q.where];
  const { order } = q;
  // The first word of FROM is the list's table.
  const tag = orderTag(q.from.trim().split(/\s/)[0], order);
  if (after) {
    const [value, id] = decodeCursor(after, tag, order.type);
    values.push(value, id);
    const cmp = order.direction === 'ASC' ? '>' : '<';
    where.push(
      `(${order.expression}, ${order.id}) ${cmp} (CAST($${values.length - 1} AS ${order.type}), CAST($${values.length} AS uuid))`,
    );
  }
  // The page size is written into the text, not passed as a parameter: PostgreSQL prices a
  // generic plan for `LIMIT $n` as if it read a tenth of the table, so it would never settle on
  // the prepared statement's generic plan and would plan every call afresh (about 1 ms of its CPU
  // for a page with three joins). `first` is a validated integer (PageArgs), and a client uses a
  // handful of page sizes, so the prepared texts stay few.
  if (!Number.isSafeInteger(first) || first < 0) throw new Error(`page size must be a non-negative integer: ${first}`);
  const text =
    `SELECT ${q.select}, CAST(${order.expression} AS text) AS sort_key FROM ${q.from}` +
    ` WHERE ${where.join(' AND ')}` +
    ` ORDER BY ${order.expression} ${order.direction}, ${order.id} ${order.direction} LIMIT ${first + 1}`;
  const rows = await q.run(text, values);
  const edges = rows.slice(0, first).map((row) => {
    const node = q.hydrate(row);
    return edge(node, String(row.sort_key), order.idOf(node), tag);
  });
  return {
    edges,
    pageInfo: pageInfo(edges, rows.length > first),
    count: q.count,
  };
}
