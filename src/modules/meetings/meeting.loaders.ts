import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { byId, byParent, readerOf } from '../../core/graphql/loaders';
import { firstPagesByParent } from '../../core/graphql/pages-by-parent';
import { Contact } from '../contacts/contact.entity';
import { AgendaItem } from './agenda-item.entity';
import { Meeting } from './meeting.entity';

export const meetingLoaders = {
  meeting: (ds: DataSource, userId: string | null, budget: NodeBudget) => byId(ds, Meeting, userId, budget),
  agendaByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, AgendaItem, 'meetingId', userId, { position: 'ASC', id: 'ASC' }, budget),
  referralsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Contact, 'sourceMeetingId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
  /** First pages of Contact.meetings for every contact of a page, in one statement. */
  meetingPagesByContact: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    firstPagesByParent(ds, userId, budget, { reader: readerOf(ds, Meeting), alias: 'm', parentKey: 'contactId' }),
  /** First pages of Organisation.meetings for every organisation of a page, in one statement. */
  meetingPagesByOrganisation: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    firstPagesByParent(ds, userId, budget, { reader: readerOf(ds, Meeting), alias: 'm', parentKey: 'organisationId' }),
};
