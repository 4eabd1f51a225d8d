import type { DataSource, EntityManager } from 'typeorm';
import { paginateSql, type Page, type PageArgs } from '../../core/graphql/pagination';
import type { AuthUser } from '../auth/access-tokens';
import { AdminAuditEntry } from './admin-audit.entity';

/** Who acts, and from where: what every audit entry records of the request. */
export interface AdminActor {
  user: AuthUser;
  ip: string | null;
}

/** What an admin mutation records; `details` must hold no secret (no token, password or body). */
export interface AuditRecord {
  action: string;
  targetUserId?: string | null;
  targetEmail?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one audit entry inside the caller's transaction, so it exists exactly when the change does. */
export async function recordAdminAction(m: EntityManager, actor: AdminActor, record: AuditRecord): Promise<void> {
  await m.query(
    `INSERT INTO admin_audit_log (admin_id, admin_email, action, target_user_id, target_email, target_id, details, ip)
     SELECT $1, coalesce((SELECT email FROM users WHERE id = $1), ''), $2, $3, $4, $5, $6::jsonb, $7`,
    [
      actor.user.id,
      record.action,
      record.targetUserId ?? null,
      record.targetEmail ?? null,
      record.targetId ?? null,
      JSON.stringify(record.details ?? {}),
      actor.ip,
    ],
  );
}

/** The audit log, newest first. */
export function auditLogPage(ds: DataSource, page: PageArgs): Promise<Page<AdminAuditEntry>> {
  return paginateSql<AdminAuditEntry>(
    {
      select: `a.id, a.admin_id, a.admin_email, a.action, a.target_user_id, a.target_email, a.target_id,
               a.details::text AS details, a.ip, a.created_at`,
      from: 'admin_audit_log a',
      where: ['true'],
      values: [],
      order: { expression: 'a.created_at', type: 'timestamptz', direction: 'DESC', id: 'a.id', idOf: (e) => e.id },
      run: (text, values) => ds.query(text, values),
      hydrate: (r) =>
        Object.assign(new AdminAuditEntry(), {
          id: r.id,
          adminId: r.admin_id,
          adminEmail: r.admin_email,
          action: r.action,
          targetUserId: r.target_user_id,
          targetEmail: r.target_email,
          targetId: r.target_id,
          details: r.details,
          ip: r.ip,
          createdAt: r.created_at,
        }),
      count: async () => {
        const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM admin_audit_log');
        return n as number;
      },
    },
    page,
  );
}
