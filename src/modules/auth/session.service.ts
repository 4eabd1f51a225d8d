import type { DataSource } from 'typeorm';
import { NotFoundError } from '../../core/errors';
import { isUuid } from '../../core/ids';
import type { AuthUser } from './access-tokens';
import type { Session } from './session.types';

/**
 * The user's sessions: refresh-token families with a token that still works. Revoking one ends
 * its refresh token at once; its access token, checked without a database read, expires within
 * ACCESS_TOKEN_TTL_SECONDS (changePassword and resetPassword cut access tokens off at once).
 */
export class SessionService {
  constructor(private readonly ds: DataSource) {}

  async list(user: AuthUser): Promise<Session[]> {
    const rows: { id: string; created_at: Date; last_used_at: Date; user_agent: string | null; ip: string | null }[] =
      await this.ds.query(
        `SELECT family_id AS id, min(created_at) AS created_at, max(created_at) AS last_used_at,
                (array_agg(user_agent ORDER BY created_at DESC))[1] AS user_agent,
                (array_agg(ip ORDER BY created_at DESC))[1] AS ip
           FROM refresh_tokens
          WHERE user_id = $1
          GROUP BY family_id
         HAVING bool_or(revoked_at IS NULL AND rotated_at IS NULL AND expires_at > now())
          ORDER BY last_used_at DESC, family_id`,
        [user.id],
      );
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      userAgent: r.user_agent,
      ip: r.ip,
      current: r.id === user.sessionId,
    }));
  }

  /**
   * Of the given sessions, those still signed in (a refresh token not revoked nor expired): one
   * statement, polled by live-updates sockets, which outlive the requests that checked the token.
   */
  async stillSignedIn(ids: readonly string[]): Promise<Set<string>> {
    const wanted = [...new Set(ids.filter(isUuid))];
    if (!wanted.length) return new Set();
    const rows: { family_id: string }[] = await this.ds.query(
      `SELECT DISTINCT family_id FROM refresh_tokens
        WHERE family_id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > now()`,
      [wanted],
    );
    return new Set(rows.map((r) => r.family_id));
  }

  /** Signs one of the user's sessions out; NOT_FOUND if it is not theirs or already ended. */
  async revoke(user: AuthUser, id: string): Promise<boolean> {
    if (!isUuid(id)) throw new NotFoundError('Session');
    const result = await this.ds.query(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND family_id = $2 AND revoked_at IS NULL`,
      [user.id, id],
    );
    if (!(result as [unknown, number])[1]) throw new NotFoundError('Session');
    return true;
  }

  /** Signs every session but the current one out; returns how many ended. */
  async revokeOthers(user: AuthUser): Promise<number> {
    const [rows]: [{ family_id: string }[], number] = await this.ds.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE user_id = $1 AND revoked_at IS NULL AND family_id IS DISTINCT FROM $2::uuid
       RETURNING family_id`,
      [user.id, user.sessionId ?? null],
    );
    return new Set(rows.map((r) => r.family_id)).size;
  }
}
