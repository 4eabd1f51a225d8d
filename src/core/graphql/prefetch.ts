import { getArgumentValues, getNamedType, GraphQLObjectType, type FieldNode, type GraphQLResolveInfo } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields.js';
import type { DataSource, EntityTarget } from 'typeorm';
import { queryPrepared } from '../db/prepared';
import { isUuid } from '../ids';
import { readerOf } from './loaders';
import type { NodeBudget } from './node-budget';
import type { InlinePages } from './pages-by-parent';
import { MAX_PAGE_SIZE } from './pagination';

/**
 * A connection field whose first page can be read inside its parent's statement: `pages` picks
 * the request's loader that answers the field (and can write its page as SQL and be primed),
 * `request` turns the field's arguments into what that loader is asked for, or null when the
 * field must read on its own (a cursor, say). It must ask exactly what the field resolver asks.
 */
export interface PagePrefetch<R = unknown> {
  pages: (loaders: never) => InlinePages<R>;
  request: (args: Record<string, unknown>) => R | null;
}

/** A PagePrefetch over a module's own loaders (`L`), as the registry holds it. */
export function prefetchPage<L, R>(
  pages: (loaders: L) => InlinePages<R>,
  request: (args: Record<string, unknown>) => R | null,
): PagePrefetch {
  return { pages, request } as unknown as PagePrefetch;
}

/** A to-one relation read inside its parent's statement and primed into its by-id loader. */
export interface ToOnePrefetch {
  entity: EntityTarget<{ id: string }>;
  /** The parent's property holding the related row's id. */
  foreignKey: string;
  /** The GraphQL type of the related row (its own prefetched fields are looked up under it). */
  type: string;
  load: (loaders: never) => { prime(id: string, value: never): unknown };
}

/** What can be read ahead, by GraphQL type and field name. */
export interface PrefetchParts {
  pages?: Readonly<Record<string, Readonly<Record<string, PagePrefetch>>>>;
  toOne?: Readonly<Record<string, Readonly<Record<string, ToOnePrefetch>>>>;
}

/** Every feature's prefetch parts merged, by type then field. */
export function mergePrefetch(parts: readonly PrefetchParts[]): Required<PrefetchParts> {
  const pages: Record<string, Record<string, PagePrefetch>> = {};
  const toOne: Record<string, Record<string, ToOnePrefetch>> = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part.pages ?? {})) Object.assign((pages[type] ??= {}), fields);
    for (const [type, fields] of Object.entries(part.toOne ?? {})) Object.assign((toOne[type] ??= {}), fields);
  }
  return { pages, toOne };
}

// A page size the field's own validation would refuse is left to the field (and its error).
const validSize = (n: unknown) =>
  n == null || (Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_PAGE_SIZE);

interface Planned {
  /** SQL values of the statement's select list, in order. */
  sql: string[];
  /** Reads those values back, in the same order, and primes the loaders; `parentId` is the parent's id. */
  prime: (values: unknown[], parentId: string) => void;
}

/**
 * One object by id with the first pages of the connections the client selected under it, in ONE
 * statement: each page (and its totalCount, when selected) is a JSON value of the object's row,
 * read in the list's own order and scoped to the user, and each is handed to the loader its field
 * resolver asks, which then answers without a statement of its own (its edges, cursors, pageInfo
 * and count are the ones the loader would make). To-one relations with pages of their own (a
 * contact's organisation and its job leads) are read in the same statement. Anything else — a
 * cursor, a field without a prefetch, nested lists below the pages — is read as before, per level.
 *
 * Returns null when nothing selected can be read ahead (the caller reads the object as usual).
 */
export class RequestPrefetch {
  constructor(
    private readonly parts: Required<PrefetchParts>,
    private readonly ds: DataSource,
    private readonly userId: string | null,
    private readonly loaders: unknown,
    private readonly budget: NodeBudget,
  ) {}

  one<T extends { id: string }>(
    entity: EntityTarget<T>,
    id: string,
    info: GraphQLResolveInfo,
    prime: (entity: T | null) => void,
  ): Promise<T | null> | null {
    if (!this.userId || !isUuid(id) || info.fieldNodes.length === 0) return null;
    const type = getNamedType(info.returnType);
    if (!(type instanceof GraphQLObjectType)) return null;
    const values: unknown[] = [this.userId, id];
    const param = (value: unknown) => `$${values.push(value)}`;
    const reader = readerOf(this.ds, entity);
    const all = reader.columnsFor(null);
    const planned = this.plan(type, info.fieldNodes, '"p0"."id"', (p) => reader.column('p0', p), param, info);
    if (!planned) return null;
    const text = `SELECT ${reader.selectList('p0', all)}${planned.sql.map((s, i) => `, ${s} AS x${i}`).join('')}
      FROM ${reader.table} "p0" WHERE ${reader.column('p0', 'id')} = $2 AND ${reader.column('p0', 'userId')} = $1`;
    return queryPrepared(this.ds, text, values).then(([row]) => {
      const found = row ? reader.hydrate(row, 'p0', all) : null;
      prime(found);
      if (!found) return null;
      this.budget.spend(1);
      planned.prime(
        planned.sql.map((_, i) => row[`x${i}`]),
        found.id,
      );
      return found;
    });
  }

  /** The SQL values to read ahead under the fields of `type` selected by `nodes`, or null for none. */
  private plan(
    type: GraphQLObjectType,
    nodes: readonly FieldNode[],
    parentId: string,
    /** The SQL of a column of the parent's row; null below a to-one (one level is read ahead). */
    column: ((property: string) => string) | null,
    param: (value: unknown) => string,
    info: GraphQLResolveInfo,
  ): Planned | null {
    const fields = collectSubfields(info.schema, info.fragments, info.variableValues, type, nodes);
    const pages = this.parts.pages[type.name] ?? {};
    const toOne = this.parts.toOne[type.name] ?? {};
    const sql: string[] = [];
    const primes: ((values: unknown[], parentId: string) => void)[] = [];
    for (const fieldNodes of fields.values()) {
      const node = fieldNodes[0];
      const name = node.name.value;
      const def = type.getFields()[name];
      if (!def) continue;
      const page = pages[name];
      if (page) {
        const args = getArgumentValues(def, node, info.variableValues);
        if (!validSize(args.first) || !validSize(args.last)) continue;
        const request = page.request(args);
        if (request === null) continue;
        const connection = getNamedType(def.type);
        const counted =
          connection instanceof GraphQLObjectType &&
          [...collectSubfields(info.schema, info.fragments, info.variableValues, connection, fieldNodes).values()].some(
            (n) => n[0].name.value === 'totalCount',
          );
        const pagesOf = page.pages(this.loaders as never);
        const inline = pagesOf.inline(request, parentId, '$1', param, counted);
        if (!inline) continue;
        const at = sql.length;
        sql.push(...inline);
        primes.push((values, id) => pagesOf.prime(request, id, values.slice(at, at + inline.length)));
        continue;
      }
      const one = toOne[name];
      const target = one && info.schema.getType(one.type);
      if (!one || !column || !(target instanceof GraphQLObjectType)) continue;
      // The related row, scoped to the user, and the pages below it over its id (the parent's
      // foreign key); worth it only when a page below is read ahead too.
      const reader = readerOf(this.ds, one.entity);
      const all = reader.columnsFor(null);
      const row = reader.jsonRow('r', all);
      const key = column(one.foreignKey);
      const below = row ? this.plan(target, fieldNodes, key, null, param, info) : null;
      if (!row || !below) continue;
      const at = sql.length;
      sql.push(
        `(SELECT ${row} FROM ${reader.table} "r" WHERE ${reader.column('r', 'id')} = ${key} AND ${reader.column('r', 'userId')} = $1)`,
        ...below.sql,
      );
      const loader = one.load(this.loaders as never);
      primes.push((values) => {
        const json = values[at] as unknown[] | null;
        const related = json ? reader.hydrateJson(json, all) : null;
        if (!related) return;
        try {
          this.budget.spend(1);
        } catch (err) {
          // Over the request's budget: the relation's field gets the error, as from its loader.
          loader.prime(related.id, err as never);
          return;
        }
        loader.prime(related.id, related as never);
        below.prime(values.slice(at + 1, at + 1 + below.sql.length), related.id);
      });
    }
    if (!sql.length) return null;
    return { sql, prime: (values, id) => primes.forEach((p) => p(values, id)) };
  }
}
