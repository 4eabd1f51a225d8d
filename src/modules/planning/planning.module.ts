import type { FeatureModule } from '../../core/feature';
import { PlanningResolver } from './planning.resolver';

export const planningModule = {
  name: 'planning',
  entities: [],
  resolvers: [PlanningResolver],
} satisfies FeatureModule;
