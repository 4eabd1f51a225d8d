import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { byId } from '../../core/graphql/loaders';
import { Organisation } from './organisation.entity';

export const organisationLoaders = {
  organisation: (ds: DataSource, userId: string | null, budget: NodeBudget) => byId(ds, Organisation, userId, budget),
};
