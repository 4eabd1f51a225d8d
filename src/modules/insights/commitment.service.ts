import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../../core/errors';
import { paginate, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { rejectNulls } from '../../core/inputs';
import type { AuthUser } from '../auth/access-tokens';
import { withDueReminders } from '../emails/due-reminders';
import type { OutboxService } from '../emails/outbox.service';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Commitment, CommitmentOwner } from './commitment.entity';
import type { CommitmentFilter, CreateCommitmentInput, UpdateCommitmentInput } from './commitment.inputs';
import { ownRow } from './ownership';

const idOrNull = (id: string) => (isUuid(id) ? id : null);

/** Promises, by the user or their contacts: listed, recorded, edited and removed. */
export class CommitmentService {
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

  commitments(user: AuthUser, filter: CommitmentFilter, page: PageArgs): Promise<Page<Commitment>> {
    const qb = this.ds
      .getRepository(Commitment)
      .createQueryBuilder('c')
      .where('c.user_id = :userId', { userId: user.id });
    if (typeof filter.done === 'boolean') qb.andWhere(filter.done ? 'c.done_at IS NOT NULL' : 'c.done_at IS NULL');
    if (filter.owner) qb.andWhere('c.owner = :owner', { owner: filter.owner });
    if (filter.contactId) qb.andWhere('c.contact_id = :contact', { contact: idOrNull(filter.contactId) });
    if (filter.updatedSince) qb.andWhere('c.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    // Soonest due first; undated promises last.
    return paginate(qb, page, {
      expression: `coalesce(c.due_on, 'infinity'::date)`,
      type: 'date',
      direction: 'ASC',
      id: 'c.id',
      idOf: (c) => c.id,
    });
  }

  /** Records a promise; one tied to a meeting is owed to or by its contact unless another is named. */
  create(user: AuthUser, input: CreateCommitmentInput): Promise<Commitment> {
    // A new promise empties no reminder; the planner plans the one for its day.
    return this.ds.transaction(async (m) => {
      const meeting = await ownRow(m, Meeting, user.id, input.meetingId, 'input.meetingId', 'Meeting');
      const contact = await ownRow(m, Contact, user.id, input.contactId, 'input.contactId', 'Contact');
      const repo = m.getRepository(Commitment);
      const commitment = repo.create({
        userId: user.id,
        meetingId: meeting?.id ?? null,
        contactId: contact === undefined ? (meeting?.contactId ?? null) : (contact?.id ?? null),
        owner: input.owner ?? CommitmentOwner.ME,
        description: input.description.trim(),
        dueOn: input.dueOn ?? null,
        doneAt: null,
      });
      return repo.save(commitment);
    });
  }

  update(user: AuthUser, id: string, input: UpdateCommitmentInput): Promise<Commitment> {
    rejectNulls(input, ['done', 'description']);
    // A new date, or done/undone, moves what is due on which day; a new wording does not.
    const moves = input.dueOn !== undefined || typeof input.done === 'boolean';
    return this.write(
      user,
      async (m) => {
        const repo = m.getRepository(Commitment);
        const commitment = isUuid(id)
          ? await repo.findOne({ where: { id, userId: user.id }, lock: { mode: 'pessimistic_write' } })
          : null;
        if (!commitment) throw new NotFoundError('Commitment');
        const contact = await ownRow(m, Contact, user.id, input.contactId, 'input.contactId', 'Contact');
        if (typeof input.done === 'boolean') commitment.doneAt = input.done ? (commitment.doneAt ?? new Date()) : null;
        if (input.description) commitment.description = input.description.trim();
        if (input.dueOn !== undefined) commitment.dueOn = input.dueOn;
        if (contact !== undefined) commitment.contactId = contact?.id ?? null;
        return repo.save(commitment);
      },
      () => moves,
    );
  }

  /** Removes a promise; returns its id. */
  delete(user: AuthUser, id: string): Promise<string> {
    return this.write(
      user,
      async (m) => {
        const result = isUuid(id) ? await m.getRepository(Commitment).delete({ id, userId: user.id }) : { affected: 0 };
        if (!result.affected) throw new NotFoundError('Commitment');
        return id;
      },
      () => true,
    );
  }
}
