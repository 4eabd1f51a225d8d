import type { FeatureModule } from '../../core/feature';
import { AuthResolver } from './auth.resolver';
import { AccountToken } from './account-token.entity';
import { DeletedAccount } from './deleted-account.entity';
import { RefreshToken } from './refresh-token.entity';
import { RegistrationAttempt } from './registration-attempt.entity';
import { SessionResolver } from './session.resolver';

export const authModule = {
  name: 'auth',
  entities: [RefreshToken, AccountToken, DeletedAccount, RegistrationAttempt],
  resolvers: [AuthResolver, SessionResolver],
} satisfies FeatureModule;
