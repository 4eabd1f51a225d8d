import type { FeatureModule } from '../../core/feature';
import { AdminAuditEntry } from './admin-audit.entity';
import { AdminResolver } from './admin.resolver';

export const adminModule = {
  name: 'admin',
  entities: [AdminAuditEntry],
  resolvers: [AdminResolver],
} satisfies FeatureModule;
