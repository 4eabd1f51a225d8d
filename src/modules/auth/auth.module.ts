import type { FeatureModule } from '../../core/feature';
import { AuthResolver } from './auth.resolver';
import { AccountToken } from './account-token.entity';
import { DeletedAccount } from './deleted-account.entity';
import { RefreshToken } from './refresh-token.entity';
import { SessionResolver } from './session.resolver';

export const authModule = {
  name: 'auth',
  entities: [RefreshToken, AccountToken, DeletedAccount],
  resolvers: [AuthResolver, SessionResolver],
} satisfies FeatureModule;
