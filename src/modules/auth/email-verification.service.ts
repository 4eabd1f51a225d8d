import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource, EntityManager } from 'typeorm';
import { RateLimitedError, ValidationError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { releaseHeldEmails } from '../emails/email-holds';
import { EmailKind } from '../emails/email-kind';
import type { OutboxChange } from '../emails/email-queue';
import type { OutboxService } from '../emails/outbox.service';
import { User } from '../users/user.entity';
import type { AuthUser } from './access-tokens';
import { AccountTokenPurpose } from './account-token.entity';
import { consumeAccountToken } from './account-tokens';

/** Verification emails an address can be sent per hour on request (the one at registration aside). */
export const VERIFICATION_RESENDS_PER_HOUR = 3;

/**
 * Proves that an account's address is its holder's: a verification email at registration (and on
 * request, throttled per address), whose single-use link verifies the address and lets the mail
 * held for it go (email-holds.ts). The token is minted by the worker as it sends (email.worker.ts).
 */
export class EmailVerificationService {
  private readonly resends: RateLimiterRedis;

  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
    redis: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.resends = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:verification-resend:address`,
      points: VERIFICATION_RESENDS_PER_HOUR,
      duration: 3600,
    });
  }

  /** Plans a verification email to the user's address, now, inside the caller's transaction. */
  plan(m: EntityManager, user: Pick<User, 'id' | 'email'>): Promise<OutboxChange> {
    return this.outbox.plan(m, {
      userId: user.id,
      contactId: null,
      kind: EmailKind.EMAIL_VERIFICATION,
      dedupeKey: `account:verify:${randomUUID()}`,
      to: { email: user.email, name: null },
      // Account emails do not wait for the sending window: the user is waiting for this one.
      sendAt: new Date(),
    });
  }

  /**
   * Verifies the address the token was sent to, if it is still the account's, and releases the
   * mail held for it. BAD_USER_INPUT naming `token` when it is unknown, used, expired, or for an
   * address the account no longer has.
   */
  async verify(token: string): Promise<boolean> {
    const changes = await this.ds.transaction(async (m) => {
      const row = await consumeAccountToken(m, token, AccountTokenPurpose.VERIFY_EMAIL);
      if (!row) throw invalidToken();
      const result = await m
        .createQueryBuilder()
        .update(User)
        .set({ emailVerifiedAt: () => 'now()' })
        .where('id = :id AND email = :email AND email_verified_at IS NULL', { id: row.userId, email: row.email })
        .execute();
      if (!result.affected) throw invalidToken();
      return releaseHeldEmails(m, row.userId);
    });
    await this.outbox.commit(changes);
    this.logger.info({ released: changes.length }, 'email address verified');
    return true;
  }

  /**
   * Sends another verification email; false (and nothing sent) when the address is verified
   * already. At most VERIFICATION_RESENDS_PER_HOUR per address, else RATE_LIMITED: an account
   * registered with someone else's address cannot be used to flood it.
   */
  async resend(authUser: AuthUser): Promise<boolean> {
    const user = await this.ds.getRepository(User).findOneByOrFail({ id: authUser.id });
    if (user.emailVerifiedAt) return false;
    try {
      await this.resends.consume(user.email);
    } catch (err) {
      if (err instanceof Error) throw err;
      const wait = (err as RateLimiterRes).msBeforeNext;
      throw new RateLimitedError(
        Math.max(1, Math.ceil(wait / 1000)),
        'Too many verification emails to this address; try again later',
      );
    }
    const change = await this.ds.transaction((m) => this.plan(m, user));
    await this.outbox.commit([change]);
    return true;
  }
}

const invalidToken = () => ValidationError.field('token', 'is invalid, already used or expired');
