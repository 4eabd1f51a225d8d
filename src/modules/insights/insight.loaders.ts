import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { byParent, readerOf } from '../../core/graphql/loaders';
import { pagesByParent } from '../../core/graphql/pages-by-parent';
import type { KeysetOrder } from '../../core/graphql/pagination';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import { JobLead } from './job-lead.entity';

// Newest first, as the top-level lists order them by creation (so cursors pass between them).
export const INSIGHTS_NEWEST: KeysetOrder<Insight> = {
  expression: 'i.created_at',
  type: 'timestamptz',
  direction: 'DESC',
  id: 'i.id',
  idOf: (i) => i.id,
};
export const COMMITMENTS_NEWEST: KeysetOrder<Commitment> = {
  expression: 'c.created_at',
  type: 'timestamptz',
  direction: 'DESC',
  id: 'c.id',
  idOf: (c) => c.id,
};
export const JOB_LEADS_NEWEST: KeysetOrder<JobLead> = {
  expression: 'l.created_at',
  type: 'timestamptz',
  direction: 'DESC',
  id: 'l.id',
  idOf: (l) => l.id,
};

export const insightLoaders = {
  insightsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Insight, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
  commitmentsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, Commitment, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
  jobLeadsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, JobLead, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
  /** Pages of Contact.insights for every contact of a page, one statement per level. */
  insightPagesByContact: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    pagesByParent(ds, userId, budget, { reader: readerOf(ds, Insight), alias: 'i', parentKey: 'contactId' }),
  /** Pages of Contact.commitments for every contact of a page, one statement per level. */
  commitmentPagesByContact: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    pagesByParent(ds, userId, budget, { reader: readerOf(ds, Commitment), alias: 'c', parentKey: 'contactId' }),
  /** Pages of Organisation.insights for every organisation of a page, one statement per level. */
  insightPagesByOrganisation: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    pagesByParent(ds, userId, budget, { reader: readerOf(ds, Insight), alias: 'i', parentKey: 'organisationId' }),
  /** Pages of Organisation.jobLeads for every organisation of a page, one statement per level. */
  jobLeadPagesByOrganisation: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    pagesByParent(ds, userId, budget, { reader: readerOf(ds, JobLead), alias: 'l', parentKey: 'organisationId' }),
};
