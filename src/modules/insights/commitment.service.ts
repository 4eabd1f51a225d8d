import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../../core/errors';
import { queryPrepared } from '../../core/db/prepared';
import { readerOf } from '../../core/graphql/loaders';
import { paginateSql, type KeysetOrder, type Page, type PageArgs } from '../../core/graphql/pagination';
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

// Soonest due first; undated promises last (the order of commitments_user_id_due_idx).
const DUE_ORDER: KeysetOrder<Commitment> = {
  expression: `coalesce(c.due_on, 'infinity'::date)`,
  type: 'date',
  direction: 'ASC',
  id: 'c.id',
  idOf: (c) => c.id,
};

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

  /**
   * A page of promises: whole rows, by a prepared statement (planned once per connection, where
   * TypeORM's statements are planned on every call); with `withCount` (the client asked for
   * totalCount) the page statement counts too.
   */
  commitments(user: AuthUser, filter: CommitmentFilter, page: PageArgs, withCount = false): Promise<Page<Commitment>> {
    const reader = readerOf(this.ds, Commitment);
    const all = reader.columnsFor(null);
    const values: unknown[] = [user.id];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where = ['c.user_id = $1'];
    if (typeof filter.done === 'boolean') where.push(filter.done ? 'c.done_at IS NOT NULL' : 'c.done_at IS NULL');
    if (filter.owner) where.push(`c.owner = ${param(filter.owner)}`);
    if (filter.contactId) where.push(`c.contact_id = ${param(idOrNull(filter.contactId))}::uuid`);
    if (filter.updatedSince) where.push(`c.updated_at >= ${param(filter.updatedSince)}`);
    const run = (text: string, params: unknown[]) => queryPrepared(this.ds, text, params);
    return paginateSql<Commitment>(
      {
        select: reader.selectList('c', all),
        from: 'commitments c',
        where,
        values,
        order: DUE_ORDER,
        run,
        table: 'commitments c',
        withCount,
        hydrate: (row) => reader.hydrate(row, 'c', all)!,
      },
      page,
    );
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
