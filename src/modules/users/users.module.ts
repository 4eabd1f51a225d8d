import type { FeatureModule } from '../../core/feature';
import { User } from './user.entity';
import { UserResolver } from './user.resolver';

export const usersModule = {
  name: 'users',
  entities: [User],
  resolvers: [UserResolver],
} satisfies FeatureModule;
