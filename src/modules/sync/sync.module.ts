import type { FeatureModule } from '../../core/feature';
import { SyncTombstone } from './sync-tombstone.entity';
import { SyncResolver } from './sync.resolver';

export const syncModule = {
  name: 'sync',
  entities: [SyncTombstone],
  resolvers: [SyncResolver],
} satisfies FeatureModule;
