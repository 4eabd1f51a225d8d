import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { readerOf } from '../../core/graphql/loaders';
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

// What a meeting recorded, oldest first (the order it was noted in).
const oldestFirst = <T extends { id: string }>(alias: string): KeysetOrder<T> => ({
  expression: `${alias}.created_at`,
  type: 'timestamptz',
  direction: 'ASC',
  id: `${alias}.id`,
  idOf: (row) => row.id,
});
export const INSIGHTS_OLDEST = oldestFirst<Insight>('i');
export const COMMITMENTS_OLDEST = oldestFirst<Commitment>('c');
export const JOB_LEADS_OLDEST = oldestFirst<JobLead>('l');

export const insightLoaders = {
  /** Pages of Meeting.insights for every meeting of a page, one statement per level. */
  insightPagesByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    pagesByParent(ds, userId, budget, { reader: readerOf(ds, Insight), alias: 'i', parentKey: 'meetingId' }),
  /** Pages of Meeting.commitments for every meeting of a page, one statement per level. */
  commitmentPagesByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    pagesByParent(ds, userId, budget, { reader: readerOf(ds, Commitment), alias: 'c', parentKey: 'meetingId' }),
  /** Pages of Meeting.jobLeads for every meeting of a page, one statement per level. */
  jobLeadPagesByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    pagesByParent(ds, userId, budget, { reader: readerOf(ds, JobLead), alias: 'l', parentKey: 'meetingId' }),
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
