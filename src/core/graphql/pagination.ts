import { createHash } from 'node:crypto';
import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CoreErrorReason, ValidationError } from '../errors';
import { isCalendarDate } from '../validation';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `Page size, 1 to ${MAX_PAGE_SIZE}; null or omitted: ${DEFAULT_PAGE_SIZE}.`,
  })
  @IsOptional()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number | null = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

/** Page arguments of a list a client shows newest first, so it may also page backward. */
@ArgsType()
export class BackwardPageArgs extends PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Pages backward: the last items (1 to ${MAX_PAGE_SIZE}) before \`before\`, or of the list; \`first\` is then ignored.`,
  })
  @IsOptional()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'The startCursor of the next page (pages backward).' })
  before?: string | null;
}

/** A page request made plain: its size, its direction and the cursor it starts from. */
export interface PageWindow {
  size: number;
  /** Reading towards the start of the list (`last`/`before`). */
  backward: boolean;
  cursor: string | null;
  /** The argument the cursor came in, for errors. */
  cursorArg: 'after' | 'before';
}

/** Reads `first`/`after` or `last`/`before`; BAD_USER_INPUT naming `before` when both cursors are given. */
export function pageWindow(page: PageArgs & { last?: number | null; before?: string | null }): PageWindow {
  const backward = page.last != null || page.before != null;
  if (backward && page.after) throw ValidationError.field('before', 'cannot be combined with after');
  const size = (backward ? page.last : page.first) ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`page size must be a non-negative integer: ${size}`);
  return {
    size,
    backward,
    cursor: (backward ? page.before : page.after) ?? null,
    cursorArg: backward ? 'before' : 'after',
  };
}

/** The direction rows are read in for a window: the list's own, or its reverse when paging backward. */
export function readDirection(direction: 'ASC' | 'DESC', window: PageWindow): 'ASC' | 'DESC' {
  if (!window.backward) return direction;
  return direction === 'ASC' ? 'DESC' : 'ASC';
}

type Flag = boolean | (() => Promise<boolean>);
const flag = (value: Flag) => (typeof value === 'function' ? value() : value);

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  /** Whether items follow the page; a function is asked only when the field is read. */
  next: Flag;
  /** Whether items precede the page; a function is asked only when the field is read. */
  previous: Flag;

  // Methods, so a flag that asks the database resolves as a promise (a plain property is read
  // as a value by the compiled executor).
  @Field(() => Boolean, { description: 'Items follow this page.' })
  hasNextPage(): boolean | Promise<boolean> {
    return flag(this.next);
  }

  @Field(() => Boolean, { description: 'Items precede this page.' })
  hasPreviousPage(): boolean | Promise<boolean> {
    return flag(this.previous);
  }

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

    @Field(() => [Node], { description: 'The edges’ nodes, for a client that needs no cursors.' })
    nodes(): T[] {
      return this.edges.map((e) => e.node);
    }

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

/**
 * An edge whose cursor is encoded only if the client reads it. A class, so each edge is one small
 * object with the getter on its prototype (an object literal with a getter allocates the getter's
 * closure and accessor per edge: under load, twice the bytes of the entity it carries).
 */
class LazyEdge<T> {
  constructor(
    readonly node: T,
    private readonly sortKey: string,
    private readonly id: string,
    private readonly tag: string,
  ) {}

  get cursor(): string {
    return encodeCursor(this.sortKey, this.id, this.tag);
  }
}

export function edge<T>(node: T, sortKey: string, id: string, tag: string): { cursor: string; node: T } {
  return new LazyEdge(node, sortKey, id, tag);
}

/**
 * The page's PageInfo; like the edges' cursors, its cursors are encoded only if read, and a flag
 * given as a function (whether anything lies beyond the cursor a page started from) is asked
 * of the database only if read.
 */
export function pageInfo(edges: { cursor: string }[], hasNextPage: Flag, hasPreviousPage: Flag = false): PageInfo {
  return {
    next: hasNextPage,
    previous: hasPreviousPage,
    hasNextPage: PageInfo.prototype.hasNextPage,
    hasPreviousPage: PageInfo.prototype.hasPreviousPage,
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

/** The sort value and id of a cursor made for `tag`; BAD_USER_INPUT on `arg` (`after`) for any other. */
export function decodeCursor(
  cursor: string,
  tag: string,
  type: SortOrder['type'],
  arg: 'after' | 'before' = 'after',
): [string, string] {
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
  throw ValidationError.field(arg, 'is not a cursor from this list and sort', CoreErrorReason.INVALID_CURSOR);
}

/** The SQL comparison that keeps rows past a cursor in the direction rows are read. */
function pastCursor(direction: 'ASC' | 'DESC', inclusive = false): string {
  return (direction === 'ASC' ? '>' : '<') + (inclusive ? '=' : '');
}

/**
 * The edges of a window read with one extra row, in list order, and its PageInfo: the extra
 * row says whether more lie ahead; `behind` (asked only when read) whether any lie behind the
 * cursor the window started from.
 */
export function windowPage<R, N>(
  rows: R[],
  window: PageWindow,
  toEdge: (row: R) => { cursor: string; node: N },
  behind: () => Promise<boolean>,
): Pick<Page<N>, 'edges' | 'pageInfo'> {
  const kept = rows.slice(0, window.size);
  if (window.backward) kept.reverse();
  const edges = kept.map(toEdge);
  const ahead = rows.length > window.size;
  const back = window.cursor ? behind : false;
  return {
    edges,
    pageInfo: window.backward ? pageInfo(edges, back, ahead) : pageInfo(edges, ahead, back),
  };
}

/**
 * Runs a page of `qb` ordered by `order`, after (or before) the given cursor. Fetches one extra
 * row to know whether there is a further page; counts lazily on a copy without order or cursor.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  page: PageArgs & { last?: number | null; before?: string | null },
  order: KeysetOrder<T>,
): Promise<Page<T>> {
  const window = pageWindow(page);
  const countQuery = qb.clone();
  const direction = readDirection(order.direction, window);
  const main = qb.expressionMap.mainAlias;
  const tag = orderTag(main?.hasMetadata ? main.metadata.tableName : qb.alias, order);
  const keyset = `(${order.expression}, ${order.id})`;
  const cursorValue = `(CAST(:cursorValue AS ${order.type}), CAST(:cursorId AS uuid))`;
  let cursor: { cursorValue: string; cursorId: string } | null = null;
  if (window.cursor) {
    const [value, id] = decodeCursor(window.cursor, tag, order.type, window.cursorArg);
    cursor = { cursorValue: value, cursorId: id };
    qb.andWhere(`${keyset} ${pastCursor(direction)} ${cursorValue}`, cursor);
  }
  // The sort value travels as Postgres's own text form: exact for timestamps (microseconds)
  // and floats, and cast back to its type when compared.
  qb.addSelect(`CAST(${order.expression} AS text)`, 'sort_key')
    .orderBy(order.expression, direction)
    .addOrderBy(order.id, direction)
    .limit(window.size + 1);
  const { entities, raw } = await qb.getRawAndEntities();
  // Raw rows follow the entity order when the query has no joins that multiply rows.
  const sortKeys = new Map<string, string>(
    raw.map((r: Record<string, unknown>) => [String(r[`${qb.alias}_id`]), String(r.sort_key)]),
  );
  const opposite = direction === 'ASC' ? 'DESC' : 'ASC';
  const { edges, pageInfo: info } = windowPage(
    entities,
    window,
    (node) => {
      const id = order.idOf(node);
      return edge(node, sortKeys.get(id) ?? '', id, tag);
    },
    async () =>
      (
        await countQuery
          .clone()
          .andWhere(`${keyset} ${pastCursor(opposite, true)} ${cursorValue}`, cursor!)
          .select('1', 'one')
          .limit(1)
          .getRawMany()
      ).length > 0,
  );
  return { edges, pageInfo: info, count: () => countQuery.getCount() };
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
  /**
   * The list's table under the page's alias, without the joins (e.g. `meetings m`): what
   * totalCount counts, by the same conditions and parameters, through `run`.
   */
  table?: string;
  /**
   * The client asked for totalCount: the page statement counts too (over `table`), so page and
   * count are one statement. An empty page after a cursor carries no row to count on, and
   * counts apart.
   */
  withCount?: boolean;
  /** How many rows match, across pages, when not a count over `table` (called only for totalCount). */
  count?: () => Promise<number>;
}

/**
 * The same keyset page as `paginate`, over hand-written SQL: the text depends only on the
 * query's shape (values are parameters, including the page size), so it can be prepared once.
 */
export async function paginateSql<T>(
  q: SqlPageQuery<T>,
  page: PageArgs & { last?: number | null; before?: string | null },
): Promise<Page<T>> {
  const window = pageWindow(page);
  const values = [...q.values];
  const where = [...q.where];
  const { order } = q;
  const direction = readDirection(order.direction, window);
  // The first word of FROM is the list's table.
  const tag = orderTag(q.from.trim().split(/\s/)[0], order);
  let cursorAt = 0;
  const past = (dir: 'ASC' | 'DESC', inclusive: boolean) =>
    `(${order.expression}, ${order.id}) ${pastCursor(dir, inclusive)} (CAST($${cursorAt} AS ${order.type}), CAST($${cursorAt + 1} AS uuid))`;
  if (window.cursor) {
    values.push(...decodeCursor(window.cursor, tag, order.type, window.cursorArg));
    cursorAt = values.length - 1;
  }
  const filters = [...where];
  if (window.cursor) where.push(past(direction, false));
  // The page size is written into the text, not passed as a parameter: PostgreSQL prices a
  // generic plan for `LIMIT $n` as if it read a tenth of the table, so it would never settle on
  // the prepared statement's generic plan and would plan every call afresh (about 1 ms of its CPU
  // for a page with three joins). The size is a validated integer (PageArgs, checked again by
  // pageWindow), and a client uses a handful of page sizes, so the prepared texts stay few.
  // An uncorrelated subquery: PostgreSQL runs it once (an InitPlan), not per row; its alias
  // shadows the page's, so the same conditions (and parameters) apply to it.
  const countAll =
    q.count ??
    (async () => {
      if (!q.table) throw new Error('paginateSql: totalCount needs `count` or `table`');
      const [row] = await q.run(`SELECT count(*)::int AS n FROM ${q.table} WHERE ${filters.join(' AND ')}`, q.values);
      return row.n as number;
    });
  const inline = q.withCount && q.table;
  const total = inline ? `, (SELECT count(*)::int FROM ${q.table} WHERE ${filters.join(' AND ')}) AS total_count` : '';
  const text =
    `SELECT ${q.select}, CAST(${order.expression} AS text) AS sort_key${total} FROM ${q.from}` +
    ` WHERE ${where.join(' AND ')}` +
    ` ORDER BY ${order.expression} ${direction}, ${order.id} ${direction} LIMIT ${window.size + 1}`;
  const rows = await q.run(text, values);
  const opposite = direction === 'ASC' ? 'DESC' : 'ASC';
  const { edges, pageInfo: info } = windowPage(
    rows,
    window,
    (row) => {
      const node = q.hydrate(row);
      return edge(node, String(row.sort_key), order.idOf(node), tag);
    },
    async () =>
      (await q.run(`SELECT 1 FROM ${q.from} WHERE ${[...filters, past(opposite, true)].join(' AND ')} LIMIT 1`, values))
        .length > 0,
  );
  let count = countAll;
  if (inline && (rows.length > 0 || !window.cursor)) {
    const n = rows.length > 0 ? (rows[0].total_count as number) : 0;
    count = () => Promise.resolve(n);
  }
  return { edges, pageInfo: info, count };
}
