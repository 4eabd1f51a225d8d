import type { FeatureModule } from '../../core/feature';
import { AuthResolver } from './auth.resolver';
import { RefreshToken } from './refresh-token.entity';

export const authModule = {
  name: 'auth',
  entities: [RefreshToken],
  resolvers: [AuthResolver],
} satisfies FeatureModule;
