import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors';
import { EmailErrorReason } from './email.errors';
import { paginate, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import type { AuthUser } from '../auth/access-tokens';
import { EmailEventType } from './email-event-type';
import { ACCOUNT_EMAILS, EmailKind, EmailStatus } from './email-kind';
import type { OutboxChange } from './email-queue';
import { EmailSuppression } from './email-suppression.entity';
import { CancelReason, type OutboxService } from './outbox.service';
import { validateTemplate } from './rendering/template-validation';
import { ScheduledEmail } from './scheduled-email.entity';
import {
  ScheduledEmailSort,
  type ScheduledEmailFilter,
  type UpdateScheduledEmailInput,
} from './scheduled-email.inputs';

const idOrNull = (id: string) => (isUuid(id) ? id : null);

/**
 * Whose email a change may touch and who made it: the user (their own rows), or an
 * administrator (any row; `afterChange` writes the audit entry in the same transaction).
 */
export interface ChangeScope {
  userId: string | null;
  by: string;
  afterChange?: (m: EntityManager, row: ScheduledEmail) => Promise<void>;
}
const byUser = (user: AuthUser): ChangeScope => ({ userId: user.id, by: 'by the user' });

/** What the user sees of the outbox and may do with it. */
export class ScheduledEmailService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  list(
    user: AuthUser,
    filter: ScheduledEmailFilter,
    page: PageArgs,
    sort = ScheduledEmailSort.SEND_AT_ASC,
  ): Promise<Page<ScheduledEmail>> {
    const qb = this.ds
      .getRepository(ScheduledEmail)
      .createQueryBuilder('e')
      .where('e.user_id = :userId', { userId: user.id });
    if (filter.statuses?.length) qb.andWhere('e.status = ANY(:statuses)', { statuses: filter.statuses });
    if (filter.kinds?.length) qb.andWhere('e.kind = ANY(:kinds)', { kinds: filter.kinds });
    if (filter.meetingId) qb.andWhere('e.meeting_id = :meetingId', { meetingId: idOrNull(filter.meetingId) });
    if (filter.contactId) qb.andWhere('e.contact_id = :contactId', { contactId: idOrNull(filter.contactId) });
    if (filter.from) qb.andWhere('e.send_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('e.send_at < :to', { to: filter.to });
    if (filter.updatedSince) qb.andWhere('e.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    const direction = sort === ScheduledEmailSort.SEND_AT_ASC ? 'ASC' : 'DESC';
    return paginate(qb, page, {
      expression: 'e.send_at',
      type: 'timestamptz',
      direction,
      id: 'e.id',
      idOf: (e) => e.id,
    });
  }

  async get(user: AuthUser, id: string): Promise<ScheduledEmail | null> {
    return isUuid(id) ? this.ds.getRepository(ScheduledEmail).findOneBy({ id, userId: user.id }) : null;
  }

  async update(user: AuthUser, id: string, input: UpdateScheduledEmailInput): Promise<ScheduledEmail> {
    return this.change(byUser(user), id, [EmailStatus.PENDING], 'edited', async (m, row) => {
      // Its recipient may not be the account holder, who chooses none of its words.
      if (ACCOUNT_EMAILS.has(row.kind))
        throw ValidationError.field('id', 'account emails cannot be edited', EmailErrorReason.ACCOUNT_EMAIL);
      if (input.subject !== undefined) row.subjectOverride = input.subject?.trim() || null;
      if (input.body !== undefined) {
        const body = input.body?.trim() ? input.body : null;
        if (body && row.kind !== EmailKind.OUTREACH) {
          const problems = validateTemplate({ subject: row.subjectOverride ?? 'x', body }, row.kind).filter(
            (p) => p.field === 'input.body',
          );
          if (problems.length) throw new ValidationError(problems);
        }
        row.bodyOverride = body;
      }
      if (row.subjectOverride) {
        const problems = validateTemplate({ subject: row.subjectOverride, body: 'x' }, row.kind).filter(
          (p) => p.field === 'input.subject',
        );
        if (problems.length) throw new ValidationError(problems);
      }
      if (input.sendAt) row.sendAt = input.sendAt > new Date() ? input.sendAt : new Date();
      row.subject = await this.outbox.plannedSubject(m, row);
      return EmailEventType.EDITED;
    });
  }

  cancel(user: AuthUser, id: string): Promise<ScheduledEmail> {
    return this.cancelIn(byUser(user), id);
  }

  /** Cancels any PENDING email (an administrator's scope) or the user's own. */
  cancelIn(scope: ChangeScope, id: string): Promise<ScheduledEmail> {
    return this.change(scope, id, [EmailStatus.PENDING], 'cancelled', async (_m, row) => {
      row.status = EmailStatus.CANCELLED;
      row.cancelReason = CancelReason.BY_USER;
      // As the database's trigger does: only a PENDING email waits.
      row.heldReason = null;
      return EmailEventType.CANCELLED;
    });
  }

  sendNow(user: AuthUser, id: string): Promise<ScheduledEmail> {
    return this.change(byUser(user), id, [EmailStatus.PENDING], 'sent now', async (_m, row) => {
      row.sendAt = new Date();
      return EmailEventType.SEND_NOW;
    });
  }

  /** Tries a FAILED or UNCERTAIN email again, by the user's decision (same Message-ID). */
  retry(user: AuthUser, id: string): Promise<ScheduledEmail> {
    return this.retryIn(byUser(user), id);
  }

  /** The same retry, for any user's email (an administrator's scope) or the user's own. */
  retryIn(scope: ChangeScope, id: string): Promise<ScheduledEmail> {
    return this.change(scope, id, [EmailStatus.FAILED, EmailStatus.UNCERTAIN], 'retried', async (m, row) => {
      // Each try mails an address that may not be the user's: resendVerificationEmail is throttled.
      if (ACCOUNT_EMAILS.has(row.kind))
        throw ValidationError.field('id', 'account emails are not retried by hand', EmailErrorReason.ACCOUNT_EMAIL);
      if (await m.getRepository(EmailSuppression).findOneBy({ email: row.toEmail.toLowerCase() })) {
        throw new ConflictError('This address has unsubscribed or bounced; Rapport will not mail it again', {
          reason: EmailErrorReason.SUPPRESSED,
        });
      }
      Object.assign(row, { status: EmailStatus.PENDING, sendAt: new Date(), attempts: 0, smtpStartedAt: null });
      return EmailEventType.RETRIED;
    });
  }

  /** Locks the row (in scope), checks its status, applies `edit`, saves, records the event, then queues. */
  private async change(
    scope: ChangeScope,
    id: string,
    allowed: EmailStatus[],
    action: string,
    edit: (m: EntityManager, row: ScheduledEmail) => Promise<EmailEventType>,
  ): Promise<ScheduledEmail> {
    const changes: OutboxChange[] = [];
    const saved = await this.ds.transaction(async (m) => {
      const row = isUuid(id)
        ? await m.getRepository(ScheduledEmail).findOne({
            where: scope.userId ? { id, userId: scope.userId } : { id },
            lock: { mode: 'pessimistic_write' },
          })
        : null;
      if (!row) throw new NotFoundError('Scheduled email');
      // The lock waits out a claim in progress, so the status checked here is the one written over.
      if (!allowed.includes(row.status)) {
        const message =
          row.status === EmailStatus.SENDING
            ? `This email is being sent right now; it can no longer be ${action}`
            : `A ${row.status} email cannot be ${action}`;
        throw new ConflictError(message, {
          reason: EmailErrorReason.INVALID_STATUS,
          status: row.status,
        });
      }
      const previousSendAt = row.sendAt;
      const event = await edit(m, row);
      const result = await m.getRepository(ScheduledEmail).save(row);
      await this.outbox.event(m, result, event, scope.by);
      await scope.afterChange?.(m, result);
      changes.push({
        id: result.id,
        status: result.status,
        sendAt: result.sendAt,
        previousSendAt,
        userId: result.userId,
      });
      return result;
    });
    await this.outbox.commit(changes);
    return saved;
  }
}
