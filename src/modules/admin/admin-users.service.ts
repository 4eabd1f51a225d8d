import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors';
import { AdminErrorReason } from './admin.errors';
import { paginateSql, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { EmailKind, HeldReason } from '../emails/email-kind';
import { releaseHeldEmails } from '../emails/email-holds';
import type { OutboxChange } from '../emails/email-queue';
import type { OutboxService } from '../emails/outbox.service';
import { Role } from '../users/user.entity';
import { type AdminActor, recordAdminAction } from './admin-audit';
import { AdminUser, type AdminUserFilter } from './admin-user.types';

// The count columns read the per-user indexes of each table: one statement for the page.
const SELECT = `u.id, u.email, u.name, u.role, u.email_verified_at IS NOT NULL AS email_verified, u.suspended_at,
  u.created_at,
  (SELECT count(*)::int FROM contacts c WHERE c.user_id = u.id) AS contact_count,
  (SELECT count(*)::int FROM meetings m WHERE m.user_id = u.id) AS meeting_count,
  (SELECT count(*)::int FROM scheduled_emails s WHERE s.user_id = u.id) AS email_count`;

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface UserRow {
  id: string;
  email: string;
  role: Role;
  suspended_at: Date | null;
}

/** Accounts across Rapport, for administrators: list, suspend, unsuspend, change role. */
export class AdminUserService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  list(filter: AdminUserFilter, page: PageArgs): Promise<Page<AdminUser>> {
    const where = ['true'];
    const values: unknown[] = [];
    const search = filter.search?.trim();
    if (search) {
      values.push(likePattern(search));
      where.push(`(u.email ILIKE $${values.length} OR u.name ILIKE $${values.length})`);
    }
    if (filter.suspended != null)
      where.push(filter.suspended ? 'u.suspended_at IS NOT NULL' : 'u.suspended_at IS NULL');
    if (filter.role) {
      values.push(filter.role);
      where.push(`u.role = $${values.length}::text::user_role`);
    }
    const countValues = [...values];
    const countWhere = [...where];
    return paginateSql<AdminUser>(
      {
        select: SELECT,
        from: 'users u',
        where,
        values,
        order: { expression: 'u.created_at', type: 'timestamptz', direction: 'DESC', id: 'u.id', idOf: (n) => n.id },
        run: (text, v) => this.ds.query(text, v),
        hydrate: adminUserOf,
        count: async () => {
          const [{ n }] = await this.ds.query(
            `SELECT count(*)::int AS n FROM users u WHERE ${countWhere.join(' AND ')}`,
            countValues,
          );
          return n as number;
        },
      },
      page,
    );
  }

  /**
   * Suspends the account: the database stamps access_revoked_at (every API process refuses its
   * tokens within a revocation poll), its pending mail is held, and it is told by email.
   */
  async suspend(actor: AdminActor, id: string, reason: string): Promise<AdminUser> {
    const text = reason.trim();
    if (!text) throw ValidationError.field('input.reason', 'must not be empty');
    if (text.length > 500) throw ValidationError.field('input.reason', 'must be at most 500 characters');
    if (id === actor.user.id)
      throw ValidationError.field(
        'id',
        'an administrator cannot suspend their own account',
        AdminErrorReason.OWN_ACCOUNT,
      );
    const changes: OutboxChange[] = [];
    await this.ds.transaction(async (m) => {
      const user = await this.lockUser(m.query.bind(m), id);
      if (user.suspended_at)
        throw new ConflictError('This account is already suspended', { reason: AdminErrorReason.ALREADY_SUSPENDED });
      await m.query('UPDATE users SET suspended_at = now(), updated_at = now() WHERE id = $1', [id]);
      // Held, not cancelled: lifting the suspension lets them go. Their timers may fire; the claim skips held rows.
      await m.query(
        `WITH held AS (
           UPDATE scheduled_emails SET held_reason = $2, updated_at = now()
            WHERE user_id = $1 AND status = 'PENDING' AND held_reason IS DISTINCT FROM $2
           RETURNING id, user_id, attempts)
         INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
         SELECT id, user_id, 'HELD', attempts, 'account suspended' FROM held`,
        [id, HeldReason.ACCOUNT_SUSPENDED],
      );
      changes.push(
        await this.outbox.plan(m, {
          userId: id,
          contactId: null,
          kind: EmailKind.ACCOUNT_SUSPENDED,
          dedupeKey: `account:suspended:${randomUUID()}`,
          to: { email: user.email, name: null },
          sendAt: new Date(),
        }),
      );
      await recordAdminAction(m, actor, {
        action: 'adminSuspendUser',
        targetUserId: id,
        targetEmail: user.email,
        details: { reason: text },
      });
    });
    await this.outbox.commit(changes);
    return this.get(id);
  }

  /** Lifts a suspension: the account signs in again, and its held mail goes (late rows at the next window). */
  async unsuspend(actor: AdminActor, id: string): Promise<AdminUser> {
    const changes = await this.ds.transaction(async (m) => {
      const user = await this.lockUser(m.query.bind(m), id);
      if (!user.suspended_at)
        throw new ConflictError('This account is not suspended', { reason: AdminErrorReason.NOT_SUSPENDED });
      await m.query('UPDATE users SET suspended_at = NULL, updated_at = now() WHERE id = $1', [id]);
      const released = await releaseHeldEmails(m, id, new Date(), HeldReason.ACCOUNT_SUSPENDED);
      await recordAdminAction(m, actor, {
        action: 'adminUnsuspendUser',
        targetUserId: id,
        targetEmail: user.email,
        details: { releasedEmails: released.length },
      });
      return released;
    });
    await this.outbox.commit(changes);
    return this.get(id);
  }

  /** Changes a role; the database revokes the account's tokens, so it signs in again with the new role. */
  async setRole(actor: AdminActor, id: string, role: Role): Promise<AdminUser> {
    await this.ds.transaction(async (m) => {
      // Serialises role changes, so two admins demoting each other cannot leave none.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('admin:set-role'))`);
      const user = await this.lockUser(m.query.bind(m), id);
      if (user.role === role) return;
      if (user.role === Role.ADMIN && role !== Role.ADMIN) {
        const [{ n }] = await m.query(
          `SELECT count(*)::int AS n FROM users WHERE role = 'ADMIN' AND suspended_at IS NULL AND id <> $1`,
          [id],
        );
        if (n === 0)
          throw ValidationError.field(
            'input.role',
            'the last administrator cannot be demoted',
            AdminErrorReason.LAST_ADMIN,
          );
      }
      await m.query('UPDATE users SET role = $2::text::user_role, updated_at = now() WHERE id = $1', [id, role]);
      await recordAdminAction(m, actor, {
        action: 'adminSetRole',
        targetUserId: id,
        targetEmail: user.email,
        details: { from: user.role, to: role },
      });
    });
    return this.get(id);
  }

  private async lockUser(query: (text: string, values: unknown[]) => Promise<UserRow[]>, id: string) {
    const [user] = isUuid(id)
      ? await query('SELECT id, email, role, suspended_at FROM users WHERE id = $1 FOR UPDATE', [id])
      : [];
    if (!user) throw new NotFoundError('User');
    return user;
  }

  private async get(id: string): Promise<AdminUser> {
    const [r] = await this.ds.query(`SELECT ${SELECT} FROM users u WHERE u.id = $1`, [id]);
    return adminUserOf(r);
  }
}

/** An admin's view of a user from a row read with SELECT. */
function adminUserOf(r: Record<string, unknown>): AdminUser {
  return Object.assign(new AdminUser(), {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    emailVerified: r.email_verified,
    suspendedAt: r.suspended_at,
    createdAt: r.created_at,
    contactCount: r.contact_count,
    meetingCount: r.meeting_count,
    emailCount: r.email_count,
  });
}
