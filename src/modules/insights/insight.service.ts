import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../../core/errors';
import { paginate, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { cleanText, rejectNulls } from '../../core/inputs';
import type { AuthUser } from '../auth/access-tokens';
import { Organisation } from '../organisations/organisation.entity';
import { industryMatches } from '../organisations/industry-match';
import { ownOrganisationId } from '../organisations/organisation-ownership';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import type {
  CommitmentFilter,
  CommitmentInput,
  InsightFilter,
  InsightInput,
  JobLeadInput,
  UpdateCommitmentInput,
} from './insight.inputs';
import { JobLead } from './job-lead.entity';

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

  commitments(user: AuthUser, filter: CommitmentFilter, page: PageArgs): Promise<Page<Commitment>> {
    const qb = this.ds
      .getRepository(Commitment)
      .createQueryBuilder('c')
      .where('c.user_id = :userId', { userId: user.id });
    if (typeof filter.done === 'boolean') qb.andWhere(filter.done ? 'c.done_at IS NOT NULL' : 'c.done_at IS NULL');
    if (filter.owner) qb.andWhere('c.owner = :owner', { owner: filter.owner });
    if (filter.contactId) qb.andWhere('c.contact_id = :contact', { contact: idOrNull(filter.contactId) });
    // Soonest due first; undated promises last.
    return paginate(qb, page, {
      expression: `coalesce(c.due_on, 'infinity'::date)`,
      type: 'date',
      direction: 'ASC',
      id: 'c.id',
      idOf: (c) => c.id,
    });
  }

  async updateCommitment(user: AuthUser, id: string, input: UpdateCommitmentInput): Promise<Commitment> {
    rejectNulls(input, ['done', 'description']);
    const repo = this.ds.getRepository(Commitment);
    const commitment = isUuid(id) ? await repo.findOneBy({ id, userId: user.id }) : null;
    if (!commitment) throw new NotFoundError('Commitment');
    if (typeof input.done === 'boolean') commitment.doneAt = input.done ? (commitment.doneAt ?? new Date()) : null;
    if (input.description) commitment.description = input.description.trim();
    if (input.dueOn !== undefined) commitment.dueOn = input.dueOn;
    return repo.save(commitment);
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
      });
    }
  }
}
