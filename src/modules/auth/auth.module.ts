import type { FeatureModule } from '../../core/feature';
import { AuthResolver } from './auth.resolver';
import { AccountToken } from './account-token.entity';
import { RefreshToken } from './refresh-token.entity';

export const authModule = {
  name: 'auth',
  entities: [RefreshToken, AccountToken],
  resolvers: [AuthResolver],
} satisfies FeatureModule;
