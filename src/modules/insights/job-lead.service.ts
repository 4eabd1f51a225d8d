import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../../core/errors';
import { paginate, type KeysetOrder, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { cleanText, rejectNulls } from '../../core/inputs';
import type { AuthUser } from '../auth/access-tokens';
import { withDueReminders } from '../emails/due-reminders';
import type { OutboxService } from '../emails/outbox.service';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { JobLead, JobLeadStatus } from './job-lead.entity';
import { JobLeadSort, type CreateJobLeadInput, type JobLeadFilter, type UpdateJobLeadInput } from './job-lead.inputs';
import { assertMove, withStep } from './job-lead-pipeline';
import { ownRow } from './ownership';

const idOrNull = (id: string) => (isUuid(id) ? id : null);

const ORDERS: Record<JobLeadSort, KeysetOrder<JobLead>> = {
  [JobLeadSort.DEADLINE_ASC]: {
    expression: `coalesce(l.deadline, 'infinity'::date)`,
    type: 'date',
    direction: 'ASC',
    id: 'l.id',
    idOf: (l) => l.id,
  },
  // Both directions walk job_leads_user_id_created_at_idx (forwards or backwards).
  [JobLeadSort.CREATED_AT_ASC]: {
    expression: 'l.created_at',
    type: 'timestamptz',
    direction: 'ASC',
    id: 'l.id',
    idOf: (l) => l.id,
  },
  [JobLeadSort.CREATED_AT_DESC]: {
    expression: 'l.created_at',
    type: 'timestamptz',
    direction: 'DESC',
    id: 'l.id',
    idOf: (l) => l.id,
  },
};

/** Openings the user pursues, moved along the pipeline in job-lead-pipeline.ts. */
export class JobLeadService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  private write<T>(
    user: AuthUser,
    work: (m: EntityManager) => Promise<T>,
    touchesReminders: (result: T) => boolean,
  ): Promise<T> {
    return withDueReminders(this.ds, this.outbox, user.id, work, touchesReminders);
  }

  jobLeads(user: AuthUser, filter: JobLeadFilter, sort: JobLeadSort, page: PageArgs): Promise<Page<JobLead>> {
    const qb = this.ds.getRepository(JobLead).createQueryBuilder('l').where('l.user_id = :userId', { userId: user.id });
    if (filter.statuses?.length) qb.andWhere('l.status IN (:...statuses)', { statuses: filter.statuses });
    if (filter.organisationId) qb.andWhere('l.organisation_id = :org', { org: idOrNull(filter.organisationId) });
    if (filter.updatedSince) qb.andWhere('l.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    if (filter.contactId) {
      qb.andWhere('(l.contact_id = :contact OR l.referred_by_id = :contact)', {
        contact: idOrNull(filter.contactId),
      });
    }
    return paginate(qb, page, ORDERS[sort]);
  }

  /** Records a lead; one tied to a meeting defaults to its organisation and contact. */
  create(user: AuthUser, input: CreateJobLeadInput): Promise<JobLead> {
    // A new lead empties no reminder; the planner plans the one for its deadline.
    return this.ds.transaction(async (m) => {
      const meeting = await ownRow(m, Meeting, user.id, input.meetingId, 'input.meetingId', 'Meeting');
      const org = await ownRow(m, Organisation, user.id, input.organisationId, 'input.organisationId', 'Organisation');
      const contact = await ownRow(m, Contact, user.id, input.contactId, 'input.contactId', 'Contact');
      const referrer = await ownRow(m, Contact, user.id, input.referredById, 'input.referredById', 'Contact');
      const status = input.status ?? JobLeadStatus.INTERESTED;
      const now = new Date();
      const repo = m.getRepository(JobLead);
      return repo.save(
        repo.create({
          userId: user.id,
          meetingId: meeting?.id ?? null,
          organisationId: org === undefined ? (meeting?.organisationId ?? null) : (org?.id ?? null),
          contactId: contact === undefined ? (meeting?.contactId ?? null) : (contact?.id ?? null),
          referredById: referrer?.id ?? null,
          title: input.title.trim(),
          url: cleanText(input.url) ?? null,
          notes: cleanText(input.notes) ?? null,
          status,
          statusChangedAt: now,
          statusHistory: withStep([], status, now),
          deadline: input.deadline ?? null,
        }),
      );
    });
  }

  update(user: AuthUser, id: string, input: UpdateJobLeadInput): Promise<JobLead> {
    rejectNulls(input, ['title', 'status']);
    // A new deadline, or a lead opened or closed, moves what is due on which day.
    const moves = input.deadline !== undefined || Boolean(input.status);
    return this.write(
      user,
      async (m) => {
        const repo = m.getRepository(JobLead);
        // Locked: two moves at once must both land in the history, in order.
        const lead = isUuid(id)
          ? await repo.findOne({ where: { id, userId: user.id }, lock: { mode: 'pessimistic_write' } })
          : null;
        if (!lead) throw new NotFoundError('Job lead');
        const org = await ownRow(
          m,
          Organisation,
          user.id,
          input.organisationId,
          'input.organisationId',
          'Organisation',
        );
        const contact = await ownRow(m, Contact, user.id, input.contactId, 'input.contactId', 'Contact');
        const referrer = await ownRow(m, Contact, user.id, input.referredById, 'input.referredById', 'Contact');
        if (input.status && input.status !== lead.status) {
          assertMove(lead.status, input.status);
          const now = new Date();
          lead.status = input.status;
          lead.statusChangedAt = now;
          lead.statusHistory = withStep(lead.statusHistory, input.status, now);
        }
        if (input.title) lead.title = input.title.trim();
        if (input.url !== undefined) lead.url = cleanText(input.url) ?? null;
        if (input.notes !== undefined) lead.notes = cleanText(input.notes) ?? null;
        if (input.deadline !== undefined) lead.deadline = input.deadline;
        if (org !== undefined) lead.organisationId = org?.id ?? null;
        if (contact !== undefined) lead.contactId = contact?.id ?? null;
        if (referrer !== undefined) lead.referredById = referrer?.id ?? null;
        return repo.save(lead);
      },
      () => moves,
    );
  }

  /** Removes a lead; returns its id. */
  delete(user: AuthUser, id: string): Promise<string> {
    return this.write(
      user,
      async (m) => {
        const result = isUuid(id) ? await m.getRepository(JobLead).delete({ id, userId: user.id }) : { affected: 0 };
        if (!result.affected) throw new NotFoundError('Job lead');
        return id;
      },
      () => true,
    );
  }
}
