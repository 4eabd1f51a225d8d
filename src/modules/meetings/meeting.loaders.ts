import type { DataSource } from 'typeorm';
import { byId, byParent } from '../../core/graphql/loaders';
import { Contact } from '../contacts/contact.entity';
import { AgendaItem } from './agenda-item.entity';
import { Meeting } from './meeting.entity';

export const meetingLoaders = {
  meeting: (ds: DataSource, userId: string | null) => byId(ds, Meeting, userId),
  agendaByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, AgendaItem, 'meetingId', userId, { position: 'ASC', id: 'ASC' }),
  referralsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, Contact, 'sourceMeetingId', userId, { createdAt: 'ASC', id: 'ASC' }),
};
