import type { FeatureModule } from '../../core/feature';
import { IntroductionPathsResolver } from './introduction-paths.resolver';

export const introductionsModule = {
  name: 'introductions',
  entities: [],
  resolvers: [IntroductionPathsResolver],
} satisfies FeatureModule;
