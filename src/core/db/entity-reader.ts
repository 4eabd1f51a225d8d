import { getMetadataStorage } from 'type-graphql';
import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { pgTypes } from './pg-types';
import { queryPrepared } from './prepared';

/**
 * Column types whose values node-postgres already returns as the entity holds them, so
 * TypeORM's per-value conversion can be skipped. Anything else (dates as strings, enum
 * arrays, transformers…) still goes through the driver's own conversion.
 */
const AS_RETURNED = new Set(['uuid', 'text', 'varchar', 'character varying', 'int', 'integer', 'boolean', 'jsonb']);
const AS_RETURNED_DATES = new Set(['timestamptz', 'timestamp with time zone']);

const COMPLETE = Symbol('complete');

// A row can also travel inside a JSON array (a page read inside its parent's statement). Values
// of these types are the same in JSON as node-postgres returns them; any other type travels as
// PostgreSQL's text form and goes through the pool's own type parser (an enum stays text, as pg
// leaves it), so a row read either way hydrates to the same entity.
const SAME_IN_JSON = new Set(['uuid', 'text', 'varchar', 'character varying', 'int', 'integer', 'boolean', 'jsonb']);
const TEXT_PARSED: Record<string, number> = {
  timestamptz: 1184,
  'timestamp with time zone': 1184,
  date: 1082,
};
const identity = (text: string): unknown => text;

interface JsonColumn {
  sql: (alias: string) => string;
  parse: ((text: string) => unknown) | null;
}

function jsonColumn(column: ColumnMetadata): JsonColumn | undefined {
  const type = String(column.type);
  const quoted = (alias: string) => `"${alias}"."${column.databaseName}"`;
  if (column.transformer || column.embeddedMetadata) return undefined;
  if (SAME_IN_JSON.has(type) && (!column.isArray || type === 'text' || type === 'varchar')) {
    return { sql: quoted, parse: null };
  }
  const asText = (alias: string) => `CAST(${quoted(alias)} AS text)`;
  if (type === 'enum') return { sql: asText, parse: identity };
  const oid = column.isArray ? undefined : TEXT_PARSED[type];
  return oid === undefined ? undefined : { sql: asText, parse: pgTypes.getTypeParser(oid) };
}

interface Slot {
  key: string;
  column: ColumnMetadata;
  direct: boolean;
}

/** The columns a read selects: a chosen few, or every column of the entity. */
export class ColumnSet {
  private readonly slots = new Map<string, Slot[]>();
  private readonly lists = new Map<string, string>();

  private json: JsonColumn[] | null | undefined;

  constructor(
    readonly columns: ColumnMetadata[],
    /** Every column: the entity is complete and may be shared (e.g. primed into a DataLoader). */
    readonly complete: boolean,
  ) {}

  /** How each column travels in a JSON array; null when one cannot (the caller reads rows instead). */
  jsonColumns(): JsonColumn[] | null {
    if (this.json === undefined) {
      const json = this.columns.map(jsonColumn);
      // json_build_array takes at most 100 arguments; one is left for a sort key.
      this.json = json.every((c) => c !== undefined) && json.length < 100 ? (json as JsonColumn[]) : null;
    }
    return this.json;
  }

  /** `"m"."id" AS "m_id", …` for the given alias. */
  selectList(alias: string): string {
    let list = this.lists.get(alias);
    if (list === undefined) {
      list = this.columns.map((c) => `"${alias}"."${c.databaseName}" AS "${alias}_${c.databaseName}"`).join(', ');
      this.lists.set(alias, list);
    }
    return list;
  }

  /** How to read each column from a row where they are aliased `${alias}_${column}`. */
  slotsFor(alias: string): Slot[] {
    let slots = this.slots.get(alias);
    if (!slots) {
      // Primary key first: hydrate() reads it to tell a missing LEFT JOIN row.
      const ordered = [...this.columns].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary));
      slots = ordered.map((column) => ({
        key: `${alias}_${column.databaseName}`,
        column,
        direct:
          !column.transformer &&
          !column.embeddedMetadata &&
          !column.relationMetadata &&
          !column.isArray &&
          (AS_RETURNED.has(String(column.type)) || AS_RETURNED_DATES.has(String(column.type))),
      }));
      this.slots.set(alias, slots);
    }
    return slots;
  }
}

/**
 * A hot read path for one entity: the select list for just the columns a GraphQL selection
 * needs, and a row → entity hydrator built once from TypeORM's metadata. Used where a list
 * resolver writes its own SQL instead of TypeORM's query builder, whose per-request SQL
 * generation and generic hydration dominate the cost of a page.
 *
 * A GraphQL field maps to the column of the same property. Fields computed in code (getters,
 * field resolvers) must say which columns they read (`derived`); a field with unknown needs
 * makes the read select every column, so a partial entity never misses what a field reads.
 */
export class EntityReader<T extends object> {
  private readonly metadata: EntityMetadata;
  private readonly columnsByProperty: Map<string, ColumnMetadata>;
  private readonly propertyOfField = new Map<string, string>();
  private readonly computed = new Set<string>();
  private readonly always: ColumnMetadata[];
  private readonly all: ColumnSet;
  /** Column sets by their property names; bounded (client selections vary). */
  private readonly sets = new Map<string, ColumnSet>();
  /** readWhole's statements, by condition and order (a few fixed ones per entity, from code). */
  private readonly wholeTexts = new Map<string, string>();

  constructor(
    private readonly ds: DataSource,
    target: abstract new () => T,
    private readonly derived: Record<string, readonly string[]> = {},
  ) {
    this.metadata = ds.getMetadata(target);
    this.columnsByProperty = new Map(this.metadata.columns.map((c) => [c.propertyName, c]));
    const storage = getMetadataStorage();
    for (const field of storage.fields.filter((f) => f.target === target)) {
      this.propertyOfField.set(field.schemaName, field.name);
    }
    for (const resolver of storage.fieldResolvers) {
      if (resolver.getObjectType?.() === target) this.computed.add(resolver.schemaName);
    }
    // Getters declared as fields are computed too.
    for (const [field, property] of this.propertyOfField) {
      if (Object.getOwnPropertyDescriptor(target.prototype, property)?.get) this.computed.add(field);
    }
    for (const [field, needs] of Object.entries(derived)) {
      for (const property of needs) {
        if (!this.columnsByProperty.has(property)) throw new Error(`${target.name}.${field}: no column ${property}`);
      }
    }
    // The primary key and the owner always come along (tenancy checks read userId).
    this.always = this.metadata.columns.filter((c) => c.isPrimary || c.propertyName === 'userId');
    // As TypeORM's find: a column marked `select: false` (a password hash) is never read.
    this.all = new ColumnSet(
      this.metadata.columns.filter((c) => c.isSelect),
      true,
    );
  }

  /** The columns needed to answer the selected GraphQL fields of this type; null: every column. */
  columnsFor(fields: Iterable<string> | null): ColumnSet {
    if (fields === null) return this.all;
    const chosen = new Set(this.always);
    for (const field of fields) {
      if (field === '__typename') continue;
      const needs = this.derived[field];
      if (needs) {
        for (const property of needs) chosen.add(this.columnsByProperty.get(property)!);
        continue;
      }
      const property = this.propertyOfField.get(field);
      const column =
        property === undefined || this.computed.has(field) ? undefined : this.columnsByProperty.get(property);
      if (!column) return this.all; // needs unknown: read the whole row
      chosen.add(column);
    }
    if (chosen.size === this.all.columns.length) return this.all;
    // Metadata order keeps the SQL text (and its prepared statement) the same for the same set.
    const columns = this.all.columns.filter((c) => chosen.has(c));
    const key = columns.map((c) => c.propertyName).join(',');
    let set = this.sets.get(key);
    if (!set) {
      set = new ColumnSet(columns, false);
      if (this.sets.size < 1_000) this.sets.set(key, set);
    }
    return set;
  }

  /** `"m"."id" AS "m_id", …` for the given alias. */
  selectList(alias: string, set: ColumnSet): string {
    return set.selectList(alias);
  }

  /** The entity's quoted table name. */
  get table(): string {
    return `"${this.metadata.tablePath}"`;
  }

  /** The entity's table name, unquoted (as cursors name their list). */
  get tableName(): string {
    return this.metadata.tableName;
  }

  /** The quoted column of a property, under `alias`. */
  column(alias: string, property: string): string {
    const column = this.columnsByProperty.get(property);
    if (!column) throw new Error(`${this.metadata.name} has no column ${property}`);
    return `"${alias}"."${column.databaseName}"`;
  }

  /**
   * Whole rows (every column, so they may be shared), by a condition and an order written over
   * the alias "t" with `column('t', …)`; run as a prepared statement.
   */
  async readWhole(where: string, order: string, values: unknown[]): Promise<T[]> {
    let text = this.wholeTexts.get(where + order);
    if (text === undefined) {
      text = `SELECT ${this.all.selectList('t')} FROM "${this.metadata.tablePath}" "t" WHERE ${where}${order ? ` ORDER BY ${order}` : ''}`;
      this.wholeTexts.set(where + order, text);
    }
    const rows = await queryPrepared(this.ds, text, values);
    return rows.map((row) => this.hydrate(row, 't', this.all)!);
  }

  /**
   * `json_build_array(…)` of the set's columns under `alias`, then `extra` SQL values; null when
   * a column cannot travel in JSON. `hydrateJson` reads the array back.
   */
  jsonRow(alias: string, set: ColumnSet, ...extra: string[]): string | null {
    const json = set.jsonColumns();
    if (!json) return null;
    return `json_build_array(${[...json.map((c) => c.sql(alias)), ...extra].join(', ')})`;
  }

  /** The entity of a `jsonRow` array (its extra values after the columns are ignored). */
  hydrateJson(values: readonly unknown[], set: ColumnSet): T | null {
    const json = set.jsonColumns()!;
    const row: Record<string, unknown> = {};
    for (let i = 0; i < json.length; i++) {
      const value = values[i];
      const parse = json[i].parse;
      row[`j_${set.columns[i].databaseName}`] = parse && typeof value === 'string' ? parse(value) : value;
    }
    return this.hydrate(row, 'j', set);
  }

  /** The entity in `row` under `alias`, or null when its primary key is null (no LEFT JOIN match). */
  hydrate(row: Record<string, unknown>, alias: string, set: ColumnSet): T | null {
    const slots = set.slotsFor(alias);
    if (row[slots[0].key] == null) return null;
    const entity = Object.create(this.metadata.target instanceof Function ? this.metadata.target.prototype : null) as T;
    const driver = this.ds.driver;
    for (const { key, column, direct } of slots) {
      const value = row[key];
      if (direct) (entity as Record<string, unknown>)[column.propertyName] = value;
      else column.setEntityValue(entity, driver.prepareHydratedValue(value, column));
    }
    if (set.complete) (entity as Record<symbol, boolean>)[COMPLETE] = true;
    return entity;
  }

  /** Whether `entity` was read with every column (a partial one must not be shared). */
  static isComplete(entity: object): boolean {
    return (entity as Record<symbol, boolean>)[COMPLETE] === true;
  }
}
