import type { DataSource } from 'typeorm';
import { byId, byParent } from '../../core/graphql/loaders';
import { Contact } from './contact.entity';

export const contactLoaders = {
  contact: (ds: DataSource, userId: string | null) => byId(ds, Contact, userId),
  introductions: (ds: DataSource, userId: string | null) =>
    byParent(ds, Contact, 'introducedById', userId, { firstName: 'ASC', id: 'ASC' }),
};
