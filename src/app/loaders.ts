import type { DataSource } from 'typeorm';
import { loaderSet } from '../core/graphql/loaders';
import { mergePrefetch } from '../core/graphql/prefetch';
import type { NodeBudget } from '../core/graphql/node-budget';
import { FEATURES } from './features';

type Feature = (typeof FEATURES)[number];
type FactoriesOf<F> = F extends { loaders: infer L } ? L : never;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type LoaderFactories = Intersect<FactoriesOf<Feature>>;

function mergeLoaderFactories(): LoaderFactories {
  const merged: Record<string, unknown> = {};
  for (const feature of FEATURES) {
    for (const [name, factory] of Object.entries('loaders' in feature ? feature.loaders : {})) {
      if (name in merged) throw new Error(`two features define the loader ${name}`);
      merged[name] = factory;
    }
  }
  return merged as LoaderFactories;
}

const makeLoaders = loaderSet(mergeLoaderFactories());

/** Every feature's fields that can be read inside their parent's statement (core/graphql/prefetch.ts). */
export const PREFETCH = mergePrefetch(FEATURES.flatMap((f) => ('prefetch' in f ? [f.prefetch] : [])));

/** Every feature's per-request loaders, scoped to one user. */
export type Loaders = ReturnType<typeof makeLoaders>;

export function createLoaders(ds: DataSource, userId: string | null, budget: NodeBudget): Loaders {
  return makeLoaders(ds, userId, budget);
}
