import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { readerOf } from '../../core/graphql/loaders';
import { pagesByParent } from '../../core/graphql/pages-by-parent';
import type { KeysetOrder } from '../../core/graphql/pagination';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import { JobLead } from './job-lead.entity';

/** Rows by creation time, the id breaking ties. */
const byCreation = <T extends { id: string }>(alias: string, direction: 'ASC' | 'DESC'): KeysetOrder<T> => ({
  expression: `${alias}.created_at`,
  type: 'timestamptz',
  direction,
  id: `${alias}.id`,
  idOf: (row) => row.id,
});

// Newest first, as the top-level lists order them by creation (so cursors pass between them).
export const INSIGHTS_NEWEST = byCreation<Insight>('i', 'DESC');
export const COMMITMENTS_NEWEST = byCreation<Commitment>('c', 'DESC');
export const JOB_LEADS_NEWEST = byCreation<JobLead>('l', 'DESC');

// What a meeting recorded, oldest first (the order it was noted in).
export const INSIGHTS_OLDEST = byCreation<Insight>('i', 'ASC');
export const COMMITMENTS_OLDEST = byCreation<Commitment>('c', 'ASC');
export const JOB_LEADS_OLDEST = byCreation<JobLead>('l', 'ASC');

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
