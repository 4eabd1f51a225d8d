import type { DataSource } from 'typeorm';
import { byId } from '../../core/graphql/loaders';
import { Organisation } from './organisation.entity';

export const organisationLoaders = {
  organisation: (ds: DataSource, userId: string | null) => byId(ds, Organisation, userId),
};
