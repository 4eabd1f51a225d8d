import type { DataSource, EntityManager } from 'typeorm';
import { paginate, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { cleanText } from '../../core/inputs';
import type { AuthUser } from '../auth/access-tokens';
import { Organisation } from '../organisations/organisation.entity';
import { industryMatches } from '../organisations/industry-match';
import { ownOrganisationId } from '../organisations/organisation-ownership';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import type { CommitmentInput, InsightFilter, InsightInput, JobLeadInput } from './insight.inputs';
import { JobLead, JobLeadStatus } from './job-lead.entity';
import { withStep } from './job-lead-pipeline';

/** What a debrief records about one meeting. */
export interface Learnings {
  insights?: InsightInput[] | null;
  commitments?: CommitmentInput[] | null;
  jobLeads?: JobLeadInput[] | null;
}

const idOrNull = (id: string) => (isUuid(id) ? id : null);

/** What was learned and promised in meetings, across organisations and contacts. */
export class InsightService {
  constructor(private readonly ds: DataSource) {}

  insights(user: AuthUser, filter: InsightFilter, page: PageArgs): Promise<Page<Insight>> {
    const qb = this.ds.getRepository(Insight).createQueryBuilder('i').where('i.user_id = :userId', { userId: user.id });
    if (filter.organisationId) qb.andWhere('i.organisation_id = :org', { org: idOrNull(filter.organisationId) });
    if (filter.contactId) qb.andWhere('i.contact_id = :contact', { contact: idOrNull(filter.contactId) });
    if (filter.meetingId) qb.andWhere('i.meeting_id = :meeting', { meeting: idOrNull(filter.meetingId) });
    if (filter.category) qb.andWhere('i.category = :category', { category: filter.category });
    if (filter.updatedSince) qb.andWhere('i.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    if (filter.industry) {
      qb.andWhere(
        `i.organisation_id IN (${qb
          .subQuery()
          .select('o.id')
          .from(Organisation, 'o')
          .where(`o.user_id = :userId AND ${industryMatches('o.industry', ':industry')}`)
          .getQuery()})`,
        { industry: filter.industry },
      );
    }
    return paginate(qb, page, {
      expression: 'i.created_at',
      type: 'timestamptz',
      direction: 'DESC',
      id: 'i.id',
      idOf: (i) => i.id,
    });
  }

  /**
   * Stores what was learned in a meeting (insights, promises, job leads), in the caller's
   * transaction. Job leads default to the meeting's organisation; one of another user's is refused.
   */
  async recordLearnings(
    m: EntityManager,
    user: AuthUser,
    meeting: { id: string; contactId: string | null; organisationId: string | null },
    learnings: Learnings,
  ): Promise<void> {
    const about = { userId: user.id, meetingId: meeting.id, contactId: meeting.contactId };
    if (learnings.insights?.length) {
      await m.getRepository(Insight).insert(
        learnings.insights.map((i) => ({
          ...about,
          organisationId: meeting.organisationId,
          category: i.category,
          text: i.text.trim(),
        })),
      );
    }
    if (learnings.commitments?.length) {
      await m.getRepository(Commitment).insert(
        learnings.commitments.map((c) => ({
          ...about,
          owner: c.owner,
          description: c.description.trim(),
          dueOn: c.dueOn ?? null,
        })),
      );
    }
    for (const [i, lead] of (learnings.jobLeads ?? []).entries()) {
      const organisationId = await ownOrganisationId(
        m,
        user.id,
        lead.organisationId,
        `input.jobLeads[${i}].organisationId`,
        meeting.organisationId,
      );
      await m.getRepository(JobLead).insert({
        ...about,
        organisationId,
        title: lead.title.trim(),
        url: cleanText(lead.url) ?? null,
        notes: cleanText(lead.notes) ?? null,
        statusHistory: withStep([], JobLeadStatus.INTERESTED, new Date()),
      });
    }
  }
}
