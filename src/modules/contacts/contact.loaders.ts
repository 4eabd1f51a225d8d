import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { byId, byParent, readerOf } from '../../core/graphql/loaders';
import { firstPagesByParent } from '../../core/graphql/pages-by-parent';
import { Contact } from './contact.entity';

export const contactLoaders = {
  contact: (ds: DataSource, userId: string | null, budget: NodeBudget) => byId(ds, Contact, userId, budget),
  introductions: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Contact, 'introducedById', userId, { firstName: 'ASC', id: 'ASC' }, budget),
  /** First pages of Organisation.contacts for every organisation of a page, in one statement. */
  contactPagesByOrganisation: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    firstPagesByParent(ds, userId, budget, { reader: readerOf(ds, Contact), alias: 'c', parentKey: 'organisationId' }),
};
