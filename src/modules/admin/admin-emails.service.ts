import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../../core/errors';
import { paginateSql, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import type { ScheduledEmailService } from '../emails/scheduled-email.service';
import { normalizeEmail } from '../users/user.service';
import { type AdminActor, recordAdminAction } from './admin-audit';
import {
  AdminScheduledEmail,
  AdminSuppression,
  type AdminEmailEvent,
  type AdminScheduledEmailFilter,
} from './admin-email.types';

/** A PENDING row (not held) this long past its time counts as overdue for administrators. */
export const OVERDUE_AFTER_SECONDS = 60;
const HISTORY_LIMIT = 50;

const STUCK = `(s.status = 'SENDING' AND s.lease_expires_at < now())`;
const OVERDUE = `(s.status = 'PENDING' AND s.held_reason IS NULL AND s.send_at < now() - interval '${OVERDUE_AFTER_SECONDS} seconds')`;

/** What an admin sees of an outbox row (never its subject or body), read by both the list and one row. */
const EMAIL_COLUMNS = `s.id, s.user_id, u.email AS user_email, s.kind, s.status, s.to_email, s.send_at, s.attempts,
  s.last_error, s.smtp_response, s.held_reason, s.cancel_reason, s.lease_expires_at,
  ${STUCK} AS stuck, ${OVERDUE} AS overdue`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw row of EMAIL_COLUMNS
function toAdminEmail(r: any, history: AdminScheduledEmail['history']): AdminScheduledEmail {
  return Object.assign(new AdminScheduledEmail(), {
    id: r.id,
    userId: r.user_id,
    userEmail: r.user_email,
    kind: r.kind,
    status: r.status,
    toEmail: r.to_email,
    sendAt: r.send_at,
    attempts: r.attempts,
    lastError: r.last_error,
    smtpResponse: r.smtp_response,
    heldReason: r.held_reason,
    cancelReason: r.cancel_reason,
    leaseExpiresAt: r.lease_expires_at,
    stuck: r.stuck,
    overdue: r.overdue,
    history,
  });
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The outbox and the suppression list across every user, for administrators. */
export class AdminEmailService {
  constructor(
    private readonly ds: DataSource,
    private readonly scheduledEmails: ScheduledEmailService,
  ) {}

  /** One statement for the page, one for its history (the last events of each row). */
  async list(filter: AdminScheduledEmailFilter, page: PageArgs): Promise<Page<AdminScheduledEmail>> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (value: unknown) => `$${values.push(value)}`;
    if (filter.statuses?.length) where.push(`s.status::text = ANY(${add(filter.statuses)}::text[])`);
    else where.push(`(s.status IN ('FAILED', 'UNCERTAIN') OR ${STUCK} OR ${OVERDUE})`);
    if (filter.overdue) where.push(OVERDUE);
    if (filter.kinds?.length) where.push(`s.kind::text = ANY(${add(filter.kinds)}::text[])`);
    if (filter.userId) {
      if (!isUuid(filter.userId)) throw ValidationError.field('filter.userId', 'is not an id');
      where.push(`s.user_id = ${add(filter.userId)}`);
    }
    const countWhere = [...where];
    const countValues = [...values];
    const result = await paginateSql<AdminScheduledEmail>(
      {
        select: EMAIL_COLUMNS,
        from: 'scheduled_emails s JOIN users u ON u.id = s.user_id',
        where,
        values,
        order: { expression: 's.send_at', type: 'timestamptz', direction: 'ASC', id: 's.id', idOf: (e) => e.id },
        run: (text, v) => this.ds.query(text, v),
        hydrate: (r) => toAdminEmail(r, []),
        count: async () => {
          const [{ n }] = await this.ds.query(
            `SELECT count(*)::int AS n FROM scheduled_emails s WHERE ${countWhere.join(' AND ')}`,
            countValues,
          );
          return n as number;
        },
      },
      page,
    );
    const byId = new Map(result.edges.map((e) => [e.node.id, e.node]));
    if (byId.size) {
      const events: (AdminEmailEvent & { scheduled_email_id: string })[] = await this.ds.query(
        `SELECT e.scheduled_email_id, e.event, e.attempt, e.detail, e.created_at AS at
           FROM unnest($1::uuid[]) AS ids(id)
           CROSS JOIN LATERAL (
             SELECT * FROM email_events ev WHERE ev.scheduled_email_id = ids.id
              ORDER BY ev.created_at DESC, ev.id DESC LIMIT ${HISTORY_LIMIT}) e
          ORDER BY e.created_at, e.id`,
        [[...byId.keys()]],
      );
      for (const { scheduled_email_id, ...event } of events) byId.get(scheduled_email_id)?.history.push(event);
    }
    return result;
  }

  /**
   * The user's own retry rule (FAILED or UNCERTAIN only: never a SENT row; never an account email;
   * never to a suppressed address). Retrying UNCERTAIN may deliver a second copy (same Message-ID).
   */
  async retry(actor: AdminActor, id: string): Promise<AdminScheduledEmail> {
    await this.scheduledEmails.retryIn(
      {
        userId: null,
        by: 'by an administrator',
        afterChange: (m, row) =>
          recordAdminAction(m, actor, {
            action: 'adminRetryScheduledEmail',
            targetUserId: row.userId,
            targetEmail: row.toEmail,
            targetId: row.id,
            details: { kind: row.kind, attempts: row.attempts },
          }),
      },
      id,
    );
    return this.one(id);
  }

  async cancel(actor: AdminActor, id: string): Promise<AdminScheduledEmail> {
    await this.scheduledEmails.cancelIn(
      {
        userId: null,
        by: 'by an administrator',
        afterChange: (m, row) =>
          recordAdminAction(m, actor, {
            action: 'adminCancelScheduledEmail',
            targetUserId: row.userId,
            targetEmail: row.toEmail,
            targetId: row.id,
            details: { kind: row.kind },
          }),
      },
      id,
    );
    return this.one(id);
  }

  private async one(id: string): Promise<AdminScheduledEmail> {
    const [r] = await this.ds.query(
      `SELECT ${EMAIL_COLUMNS}
         FROM scheduled_emails s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [id],
    );
    if (!r) throw new NotFoundError('Scheduled email');
    return toAdminEmail(
      r,
      await this.ds.query(
        `SELECT event, attempt, detail, created_at AS at FROM (
           SELECT * FROM email_events WHERE scheduled_email_id = $1 ORDER BY created_at DESC, id DESC LIMIT ${HISTORY_LIMIT}
         ) e ORDER BY created_at, id`,
        [id],
      ),
    );
  }

  suppressions(search: string | null | undefined, page: PageArgs): Promise<Page<AdminSuppression>> {
    const text = search?.trim();
    if (text && text.length > 320) throw ValidationError.field('search', 'must be at most 320 characters');
    const where = text ? ['e.email ILIKE $1'] : ['true'];
    const values = text ? [likePattern(text.toLowerCase())] : [];
    return paginateSql<AdminSuppression>(
      {
        select: 'e.email, e.reason, e.detail, e.created_at',
        // Keyset on created_at needs a uuid tiebreaker: the address's md5 as a uuid.
        from: 'email_suppressions e',
        where,
        values,
        order: {
          expression: 'e.created_at',
          type: 'timestamptz',
          direction: 'DESC',
          id: 'md5(e.email)::uuid',
          idOf: (s) => md5Uuid(s.email),
        },
        run: (q, v) => this.ds.query(q, v),
        hydrate: (r) =>
          Object.assign(new AdminSuppression(), {
            email: r.email,
            reason: r.reason,
            detail: r.detail,
            createdAt: r.created_at,
          }),
        count: async () => {
          const [{ n }] = await this.ds.query(
            `SELECT count(*)::int AS n FROM email_suppressions e WHERE ${where.join(' AND ')}`,
            values,
          );
          return n as number;
        },
      },
      page,
    );
  }

  /**
   * Lets Rapport mail the address again. The emails it suppressed stay SUPPRESSED (a user
   * re-plans or sends again); contacts' opt-outs stay as they are (each user's own record).
   */
  async liftSuppression(actor: AdminActor, email: string): Promise<boolean> {
    const address = normalizeEmail(email);
    if (!address || address.length > 320) throw ValidationError.field('input.email', 'is not an address');
    return this.ds.transaction(async (m) => {
      // TypeORM answers a DELETE … RETURNING with [rows, affected].
      const [[row]]: [{ reason: string }[], number] = await m.query(
        'DELETE FROM email_suppressions WHERE email = $1 RETURNING reason',
        [address],
      );
      if (!row) throw new NotFoundError('Suppression');
      await recordAdminAction(m, actor, {
        action: 'adminLiftSuppression',
        targetEmail: address,
        details: { reason: row.reason },
      });
      return true;
    });
  }
}

function md5Uuid(text: string): string {
  const hex = createHash('md5').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
