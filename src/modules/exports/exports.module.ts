import type { FeatureModule } from '../../core/feature';
import { DataExportResolver } from './data-export.resolver';

/** Taking data out: the export downloads and the calendar feed (routes in export.routes.ts). */
export const exportsModule = {
  name: 'exports',
  entities: [],
  resolvers: [DataExportResolver],
} satisfies FeatureModule;
