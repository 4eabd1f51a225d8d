import type { GraphQLResolveInfo } from 'graphql';
import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { byId, readerOf } from '../../core/graphql/loaders';
import { firstPagesByParent, pagesByParent } from '../../core/graphql/pages-by-parent';
import DataLoader from 'dataloader';
import { isUuid } from '../../core/ids';
import { Contact } from './contact.entity';
import { contactNodeColumns, contactReader } from './contact-reader';
import type { KeysetOrder } from '../../core/graphql/pagination';
import { PEOPLE_TREE_LIMITS, peopleTrees, type PeopleTree } from './reporting-lines';

export const contactLoaders = {
  contact: (ds: DataSource, userId: string | null, budget: NodeBudget) => byId(ds, Contact, userId, budget),
  /** Pages of Contact.introductions for every contact of a page, one statement per level. */
  introductionPages: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    pagesByParent(ds, userId, budget, { reader: readerOf(ds, Contact), alias: 'c', parentKey: 'introducedById' }),
  /** Organisation.people for every organisation of a page, in one statement. */
  peopleByOrganisation: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    new DataLoader<string, PeopleTree>(async (orgIds) => {
      const empty: PeopleTree = { roots: [], total: 0, truncated: false };
      const valid = orgIds.filter(isUuid);
      if (!userId || !valid.length) return orgIds.map(() => empty);
      const trees = await peopleTrees(ds, userId, valid);
      for (const tree of trees.values()) budget.spend(Math.min(tree.total, PEOPLE_TREE_LIMITS.nodes));
      return orgIds.map((id) => trees.get(id) ?? empty);
    }),
  /**
   * First pages of Organisation.contacts for every organisation of a page, in one statement,
   * reading only the contact columns the field's selection needs.
   */
  contactPagesByOrganisation: (ds: DataSource, userId: string | null, budget: NodeBudget) => {
    const pages = firstPagesByParent(ds, userId, budget, {
      reader: contactReader(ds),
      alias: 'c',
      parentKey: 'organisationId',
    });
    return (orgId: string, first: number | null | undefined, order: KeysetOrder<Contact>, info: GraphQLResolveInfo) =>
      pages(orgId, first, order, contactNodeColumns(ds, info));
  },
};
