import type { DataSource } from 'typeorm';
import { queryPrepared } from '../../core/db/prepared';
import type { Logger } from '../../core/logger';

/** The poll's statement up to its bound; tests that count a request's SQL leave it out. */
export const REVOCATION_POLL = 'SELECT id, access_revoked_at AS revoked_at FROM users WHERE access_revoked_at >=';

/**
 * Accounts whose access tokens were revoked (suspended, or their role changed: the database sets
 * `users.access_revoked_at`; or deleted: `deleted_accounts`), as one API process knows them.
 * Access tokens are verified without a database read per request, so each process polls for
 * revocations every `pollMs` and refuses a token issued up to its account's revocation: on every
 * replica, within about `pollMs`.
 */
export class AccessRevocations {
  private readonly revokedAtMs = new Map<string, number>();
  /** The latest revocation seen (the database's clock), where the next poll starts. */
  private since: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly options: { pollMs: number; accessTokenTtlSeconds: number },
    private readonly logger: Logger,
  ) {}

  /** Whether a token of `userId` issued at `issuedAtMs` was issued before a revocation. */
  revoked(userId: string, issuedAtMs: number): boolean {
    const at = this.revokedAtMs.get(userId);
    return at !== undefined && issuedAtMs <= at;
  }

  /**
   * Loads what is revoked now, then keeps polling until `stop`. A failed read (the database not
   * reachable or not migrated yet: /readyz says so) does not stop the API from starting; the
   * next poll tries again.
   */
  async start(): Promise<void> {
    await this.pollLogged();
    this.timer = setInterval(() => {
      this.polling ??= this.pollLogged().finally(() => (this.polling = null));
    }, this.options.pollMs);
    this.timer.unref();
  }

  private pollLogged(): Promise<void> {
    return this.poll().catch((err: unknown) =>
      this.logger.warn({ err }, 'could not read revoked access; keeping what is known'),
    );
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
  }

  /** Reads revocations since the last one seen; the first read looks back one token lifetime. */
  async poll(): Promise<void> {
    const ttl = this.options.accessTokenTtlSeconds;
    // Prepared (parsed and planned once per connection): it runs every few seconds on every API process.
    const rows = await queryPrepared<{ id: string; revoked_at: Date }>(
      this.ds,
      this.since
        ? `${REVOCATION_POLL} $1
           UNION ALL SELECT account_id, deleted_at FROM deleted_accounts WHERE deleted_at >= $1`
        : `${REVOCATION_POLL} now() - make_interval(secs => $1)
           UNION ALL SELECT account_id, deleted_at FROM deleted_accounts WHERE deleted_at >= now() - make_interval(secs => $1)`,
      [this.since ?? ttl],
    );
    for (const { id, revoked_at } of rows) {
      this.revokedAtMs.set(id, Math.max(this.revokedAtMs.get(id) ?? 0, revoked_at.getTime()));
      if (!this.since || revoked_at > this.since) this.since = revoked_at;
    }
    // A token issued before a revocation older than a token's lifetime has expired anyway.
    const horizon = Date.now() - ttl * 1000 - 60_000;
    for (const [id, at] of this.revokedAtMs) if (at < horizon) this.revokedAtMs.delete(id);
  }
}
