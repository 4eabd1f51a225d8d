import type { DataSource } from 'typeorm';
import { byParent } from '../../core/graphql/loaders';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import { JobLead } from './job-lead.entity';

export const insightLoaders = {
  insightsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, Insight, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }),
  commitmentsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, Commitment, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }),
  jobLeadsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, JobLead, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }),
  insightsByContact: (ds: DataSource, userId: string | null) =>
    byParent(ds, Insight, 'contactId', userId, { createdAt: 'DESC', id: 'ASC' }),
  commitmentsByContact: (ds: DataSource, userId: string | null) =>
    byParent(ds, Commitment, 'contactId', userId, { createdAt: 'DESC', id: 'ASC' }),
  insightsByOrganisation: (ds: DataSource, userId: string | null) =>
    byParent(ds, Insight, 'organisationId', userId, { createdAt: 'DESC', id: 'ASC' }),
  jobLeadsByOrganisation: (ds: DataSource, userId: string | null) =>
    byParent(ds, JobLead, 'organisationId', userId, { createdAt: 'DESC', id: 'ASC' }),
};
