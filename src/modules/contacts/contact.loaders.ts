import type { DataSource } from 'typeorm';
import { byId, byParent, readerOf } from '../../core/graphql/loaders';
import { firstPagesByParent } from '../../core/graphql/pages-by-parent';
import { Contact } from './contact.entity';

export const contactLoaders = {
  contact: (ds: DataSource, userId: string | null) => byId(ds, Contact, userId),
  introductions: (ds: DataSource, userId: string | null) =>
    byParent(ds, Contact, 'introducedById', userId, { firstName: 'ASC', id: 'ASC' }),
  /** First pages of Organisation.contacts for every organisation of a page, in one statement. */
  contactPagesByOrganisation: (ds: DataSource, userId: string | null) =>
    firstPagesByParent(ds, userId, { reader: readerOf(ds, Contact), alias: 'c', parentKey: 'organisationId' }),
};
