import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { byId, byParent } from '../../core/graphql/loaders';
import { Contact } from '../contacts/contact.entity';
import { AgendaItem } from './agenda-item.entity';
import { Meeting } from './meeting.entity';

export const meetingLoaders = {
  meeting: (ds: DataSource, userId: string | null, budget: NodeBudget) => byId(ds, Meeting, userId, budget),
  agendaByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, AgendaItem, 'meetingId', userId, { position: 'ASC', id: 'ASC' }, budget),
  referralsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Contact, 'sourceMeetingId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
};
