import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError, RateLimitedError, ValidationError } from '../../core/errors';
import { AuthErrorReason } from './auth.errors';
import { isPgError, PG_UNIQUE_VIOLATION } from '../../core/db/pg-errors';
import type { Logger } from '../../core/logger';
import { releaseHeldEmails } from '../emails/email-holds';
import { ACCOUNT_EMAILS, CONTACT_FACING, EmailKind } from '../emails/email-kind';
import type { OutboxChange } from '../emails/email-queue';
import type { OutboxService } from '../emails/outbox.service';
import { User } from '../users/user.entity';
import type { AuthUser } from './access-tokens';
import { AccountTokenPurpose, type AccountToken } from './account-token.entity';
import { RefreshToken } from './refresh-token.entity';
import { RegistrationAttempt } from './registration-attempt.entity';
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

  /**
   * Plans a verification email, now, inside the caller's transaction: to `address` (an address
   * changeEmail waits for), or to the user's own.
   */
  plan(m: EntityManager, user: Pick<User, 'id' | 'email'>, address = user.email): Promise<OutboxChange> {
    return this.outbox.plan(m, {
      userId: user.id,
      contactId: null,
      kind: EmailKind.EMAIL_VERIFICATION,
      dedupeKey: `account:verify:${randomUUID()}`,
      to: { email: address, name: null },
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
      const users = m.getRepository(User);
      const user = await users.findOne({ where: { id: row.userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw invalidToken();
      const changes: OutboxChange[] = [];
      if (row.email === user.email) {
        if (user.emailVerifiedAt) throw invalidToken();
        const choices = await attemptChoices(m, row);
        // Sessions from before the address was proved (accounts registered when sign-in did not
        // wait for it) end when an attempt's password is applied: they were never the owner's.
        await users.update(
          { id: user.id },
          {
            emailVerifiedAt: () => 'now()',
            ...choices,
            ...(choices.passwordHash ? { accessRevokedAt: () => 'now()' } : {}),
          },
        );
        if (choices.passwordHash) {
          await m.update(RefreshToken, { userId: user.id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
        }
        // The other attempts' links die with them (account_tokens cascade).
        await m.delete(RegistrationAttempt, { userId: user.id });
      } else if (row.email === user.pendingEmail) {
        changes.push(...(await this.moveTo(m, user, row.email)));
      } else {
        // Sent to an address the account has left, or no longer asks for.
        throw invalidToken();
      }
      changes.push(...(await releaseHeldEmails(m, row.userId)));
      return changes;
    });
    await this.outbox.commit(changes);
    this.logger.info({ released: changes.length }, 'email address verified');
    return true;
  }

  /**
   * changeEmail takes effect: the account moves to its verified new address, its reminders still
   * to come follow it, and the old address is told (it may be the owner's only sign of a takeover).
   */
  private async moveTo(m: EntityManager, user: User, address: string): Promise<OutboxChange[]> {
    try {
      await m
        .getRepository(User)
        .update(
          { id: user.id },
          { email: address, pendingEmail: null, emailVerifiedAt: user.emailVerifiedAt ?? (() => 'now()') },
        );
    } catch (err) {
      // Another account took the address meanwhile.
      if (isPgError(err, PG_UNIQUE_VIOLATION))
        throw ValidationError.field(
          'input.token',
          'this address can no longer be used',
          AuthErrorReason.ADDRESS_UNAVAILABLE,
        );
      throw err;
    }
    const [moved]: [{ id: string; send_at: Date }[], number] = await m.query(
      `UPDATE scheduled_emails SET to_email = $3, updated_at = now()
        WHERE user_id = $1 AND status = 'PENDING' AND to_email = $2 AND NOT (kind = ANY ($4::email_kind[]))
        RETURNING id, send_at`,
      [user.id, user.email, address, [...CONTACT_FACING, ...ACCOUNT_EMAILS]],
    );
    this.logger.info({ userId: user.id, reminders: moved.length }, 'email address changed');
    const notice = await this.outbox.plan(m, {
      userId: user.id,
      contactId: null,
      kind: EmailKind.EMAIL_CHANGED,
      dedupeKey: `account:email-changed:${randomUUID()}`,
      to: { email: user.email, name: null },
      sendAt: new Date(),
    });
    return [notice];
  }

  /**
   * Asks for the account to move to `address` (changeEmail): remembers it as pending and sends it
   * a verification email, throttled per address. The caller has checked the password.
   */
  async requestChange(userId: string, address: string): Promise<User> {
    await this.consumeAllowance(address);
    const [user, change] = await this.ds.transaction(async (m) => {
      const users = m.getRepository(User);
      const user = await users.findOne({ where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      user.pendingEmail = address;
      await users.update({ id: user.id }, { pendingEmail: address });
      return [user, await this.plan(m, user, address)] as const;
    });
    await this.outbox.commit([change]);
    return user;
  }

  private async consumeAllowance(address: string): Promise<void> {
    try {
      await this.resends.consume(address);
    } catch (err) {
      if (err instanceof Error) throw err;
      const wait = (err as RateLimiterRes).msBeforeNext;
      throw new RateLimitedError(
        Math.max(1, Math.ceil(wait / 1000)),
        'Too many verification emails to this address; try again later',
      );
    }
  }

  /**
   * Sends another verification email (to the account's address, or to the one changeEmail waits
   * for); false (and nothing sent) when there is nothing to verify. At most VERIFICATION_RESENDS_PER_HOUR per address, else RATE_LIMITED: an account
   * registered with someone else's address cannot be used to flood it.
   */
  async resend(authUser: AuthUser): Promise<boolean> {
    const user = await this.ds.getRepository(User).findOneByOrFail({ id: authUser.id });
    // The account's own address until it is verified, then an address changeEmail waits for.
    const address = user.emailVerifiedAt ? user.pendingEmail : user.email;
    if (!address) return false;
    await this.consumeAllowance(address);
    const change = await this.ds.transaction((m) => this.plan(m, user, address));
    await this.outbox.commit([change]);
    return true;
  }
}

/**
 * What the registration attempt behind a verification link chose (password, name, time zone, locale):
 * the account takes them as its address is verified, so a password set by whoever registered the
 * address earlier never survives the owner's own link. Nothing for other links.
 */
async function attemptChoices(m: EntityManager, token: AccountToken): Promise<Partial<User>> {
  if (!token.registrationAttemptId) return {};
  const attempt = await m
    .getRepository(RegistrationAttempt)
    .createQueryBuilder('a')
    .addSelect('a.passwordHash')
    .where('a.id = :id AND a.user_id = :userId', { id: token.registrationAttemptId, userId: token.userId })
    .getOne();
  if (!attempt) throw invalidToken();
  return {
    passwordHash: attempt.passwordHash,
    name: attempt.name,
    timezone: attempt.timezone,
    locale: attempt.locale,
  };
}

const invalidToken = () =>
  ValidationError.field('input.token', 'is invalid, already used or expired', AuthErrorReason.LINK_INVALID);
