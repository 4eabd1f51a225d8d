import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { byParent } from '../../core/graphql/loaders';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import { JobLead } from './job-lead.entity';

export const insightLoaders = {
  insightsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Insight, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
  commitmentsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Commitment, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
  jobLeadsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, JobLead, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
  insightsByContact: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Insight, 'contactId', userId, { createdAt: 'DESC', id: 'ASC' }, budget),
  commitmentsByContact: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Commitment, 'contactId', userId, { createdAt: 'DESC', id: 'ASC' }, budget),
  insightsByOrganisation: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Insight, 'organisationId', userId, { createdAt: 'DESC', id: 'ASC' }, budget),
  jobLeadsByOrganisation: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, JobLead, 'organisationId', userId, { createdAt: 'DESC', id: 'ASC' }, budget),
};
