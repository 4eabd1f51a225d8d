import type { FeatureModule } from '../../core/feature';
import { nodeLoaders } from './node.loaders';
import { NodeResolver } from './node.resolver';

/** Relay's node(id) and nodes(ids): refetching any object a client holds by its id. */
export const nodesModule = {
  name: 'nodes',
  entities: [],
  resolvers: [NodeResolver],
  loaders: nodeLoaders,
} satisfies FeatureModule;
