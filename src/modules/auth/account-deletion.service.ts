import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../../core/logger';
import { NotFoundError } from '../../core/errors';
import { AccountNoticeKind } from '../emails/account-notice.entity';
import type { AccountNotices } from '../emails/account-notices';
import type { EmailQueue } from '../emails/email-queue';
import type { UserService } from '../users/user.service';
import type { AuthUser } from './access-tokens';
import type { AuthService, RequestMeta } from './auth.service';

/** Tables the account's rows are deleted from: every table with a user_id column, as the catalog lists them. */
const OWNED_TABLES = `SELECT c.table_name AS name
   FROM information_schema.columns c
   JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
  WHERE c.table_schema = current_schema() AND c.column_name = 'user_id' AND t.table_type = 'BASE TABLE'
  -- The outbox first: its rows would otherwise be updated (SET NULL) as contacts go, then deleted.
  ORDER BY c.table_name <> 'scheduled_emails', c.table_name`;

/**
 * Deletes an account and everything it owns, in one transaction. The tables come from the
 * catalog, so a table added later cannot be forgotten; rows of other tables that point at the
 * account's rows go with them through their foreign keys (CASCADE or SET NULL).
 */
export class AccountDeletionService {
  constructor(
    private readonly ds: DataSource,
    private readonly users: UserService,
    private readonly auth: AuthService,
    private readonly timers: EmailQueue,
    private readonly notices: AccountNotices,
    private readonly logger: Logger,
  ) {}

  async deleteAccount(authUser: AuthUser, password: string, meta: RequestMeta): Promise<boolean> {
    const found = await this.users.findForLoginById(authUser.id);
    if (!found) throw new NotFoundError('User');
    await this.auth.checkPassword(found, password, 'input.password', meta);
    const done = await this.ds.transaction(async (m) => {
      // One transaction, so an account is never half-deleted; a large one (100,000 contacts, each
      // delete checking every table that references contacts) may take longer than the
      // per-statement limit meant for requests, so this transaction alone gets a longer one.
      await m.query(`SET LOCAL statement_timeout = ${DELETION_STATEMENT_TIMEOUT_MS}`);
      // No tombstones for offline sync: the account's are deleted with it, and writing one per
      // row first would only slow the deletion of a large account (migration 0250's triggers).
      await m.query(`SET LOCAL rapport.sync_tombstones = 'off'`);
      // Locked first: a concurrent change to the account waits, then finds it gone.
      const [user] = await m.query(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, [found.id]);
      if (!user) throw new NotFoundError('User');
      const pending = await this.deleteOwned(m, found.id);
      // The confirmation, in the same transaction: it exists exactly when the deletion does. Not
      // to an address never verified (it may be someone else's), and without the account's name.
      const notice = found.emailVerifiedAt
        ? await this.notices.plan(m, AccountNoticeKind.ACCOUNT_DELETED, { email: found.email, name: null })
        : null;
      return { pending, notice };
    });
    // After commit: the rows are gone, so a timer that fires meanwhile finds nothing to send.
    await this.timers.forget(done.pending);
    if (done.notice) await this.notices.enqueue(done.notice);
    this.logger.info({ userId: found.id, emails: done.pending.length }, 'account deleted');
    return true;
  }

  /** Deletes every row of the account; returns its pending emails, whose timers are to be removed. */
  private async deleteOwned(m: EntityManager, userId: string) {
    // Rows a worker claims from now on wait for this transaction, then find nothing: a SENDING
    // row whose message has not reached SMTP is withdrawn (its "SMTP started" write finds no row).
    const pending: { id: string; send_at: Date; attempts: number }[] = await m.query(
      `SELECT id, send_at, attempts FROM scheduled_emails WHERE user_id = $1 AND status = 'PENDING' FOR UPDATE`,
      [userId],
    );
    const tables: { name: string }[] = await m.query(OWNED_TABLES);
    for (const { name } of tables) {
      await m.query(`DELETE FROM ${quoteIdent(name)} WHERE user_id = $1`, [userId]);
    }
    await m.query(`DELETE FROM users WHERE id = $1`, [userId]);
    // Refused by the access revocation poll on every API process (the users row is gone).
    await m.query(`INSERT INTO deleted_accounts (account_id) VALUES ($1) ON CONFLICT DO NOTHING`, [userId]);
    return pending.map((r) => ({ id: r.id, sendAt: r.send_at, attempts: r.attempts }));
  }
}

/** The statement timeout of an account's deletion (the request's own limit is shorter). */
export const DELETION_STATEMENT_TIMEOUT_MS = 300_000;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
