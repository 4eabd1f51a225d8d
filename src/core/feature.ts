import type { DataSource } from 'typeorm';
import type { NodeBudget } from './graphql/node-budget';
import type { PrefetchParts } from './graphql/prefetch';

/** A TypeORM entity class. */
export type EntityClass = new () => object;
/** A type-graphql resolver class. */
export type ResolverClass = new (...args: never[]) => object;

/**
 * Builds one request's loader; called at most once per request, on first use. Loaders that
 * read rows count them against the request's budget.
 */
export type LoaderFactory = (ds: DataSource, userId: string | null, budget: NodeBudget) => unknown;

/**
 * What a feature brings to the application: its tables, its part of the GraphQL schema and its
 * per-request loaders. HTTP routes and jobs need services, so the feature exports them as
 * factories and `src/app/` wires them.
 */
export interface FeatureModule {
  name: string;
  /** TypeORM entities (tables) the feature owns. */
  entities: readonly EntityClass[];
  /** type-graphql resolver classes, including field resolvers the feature adds to others' types. */
  resolvers: readonly ResolverClass[];
  /** Per-request DataLoaders, by the name resolvers read them from `context.loaders`. */
  loaders?: Readonly<Record<string, LoaderFactory>>;
  /**
   * To-one relations that the feature's list pages join onto their rows, by GraphQL type name:
   * the field answers from the row when the page joined it (see core/graphql/schema-builder.ts).
   */
  joinedRelations?: Readonly<Record<string, readonly string[]>>;
  /**
   * Connection fields whose first page, and to-one relations, can be read inside the statement of
   * the object they hang under (see core/graphql/prefetch.ts), by GraphQL type name.
   */
  prefetch?: PrefetchParts;
}
