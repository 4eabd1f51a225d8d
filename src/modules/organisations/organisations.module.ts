import type { FeatureModule } from '../../core/feature';
import { Organisation } from './organisation.entity';
import { organisationLoaders } from './organisation.loaders';
import { OrganisationResolver } from './organisation.resolver';

export const organisationsModule = {
  name: 'organisations',
  entities: [Organisation],
  resolvers: [OrganisationResolver],
  loaders: organisationLoaders,
} satisfies FeatureModule;
