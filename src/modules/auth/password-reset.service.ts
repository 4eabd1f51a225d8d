import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { IsNull, type DataSource } from 'typeorm';
import { RateLimitedError, ValidationError } from '../../core/errors';
import { AuthErrorReason } from './auth.errors';
import type { Logger } from '../../core/logger';
import { releaseHeldEmails } from '../emails/email-holds';
import { EmailKind } from '../emails/email-kind';
import type { OutboxChange } from '../emails/email-queue';
import type { OutboxService } from '../emails/outbox.service';
import { User } from '../users/user.entity';
import { normalizeEmail } from '../users/user.service';
import { AccountTokenPurpose } from './account-token.entity';
import { consumeAccountToken, findUsableAccountToken } from './account-tokens';
import type { RequestMeta } from './auth.service';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordTooLong, type PasswordHasher } from './password-hasher';
import { RefreshToken } from './refresh-token.entity';
import { RegistrationAttempt } from './registration-attempt.entity';

/** Reset emails one address can be sent per hour, and reset requests one IP may make per hour. */
export const RESET_LIMITS = { perAddressPerHour: 3, perIpPerHour: 20 } as const;
/**
 * Every answer of requestPasswordReset takes at least this long, whether or not the address has
 * an account: the work for an account (planning its email) hides under it.
 */
export const RESET_ANSWER_FLOOR_MS = 250;

/**
 * Password recovery by email. requestPasswordReset says the same thing, in about the same time,
 * whether or not the address has an account; the emailed token (minted by the worker as it sends,
 * stored as a hash) works once, for 30 minutes; resetPassword signs every session out.
 */
export class PasswordResetService {
  private readonly perAddress: RateLimiterRedis;
  private readonly perIp: RateLimiterRedis;

  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
    private readonly hasher: PasswordHasher,
    redis: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.perAddress = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:password-reset:address`,
      points: RESET_LIMITS.perAddressPerHour,
      duration: 3600,
    });
    this.perIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:password-reset:ip`,
      points: RESET_LIMITS.perIpPerHour,
      duration: 3600,
    });
  }

  /**
   * Emails a reset link if the address has an account that is not suspended; answers true either
   * way. Throttled per address and per IP the same way for addresses with and without an account
   * (RATE_LIMITED), so neither the answer nor the throttle tells them apart.
   */
  async request(email: string, meta: RequestMeta): Promise<boolean> {
    const started = Date.now();
    const address = normalizeEmail(String(email)).slice(0, 254);
    try {
      await consume(this.perIp, meta.ip, 'Too many password reset requests from this address; try again later');
      await consume(this.perAddress, address, 'Too many password reset emails to this address; try again later');
      const changes = await this.ds.transaction(async (m) => {
        const user = await m.getRepository(User).findOneBy({ email: address });
        if (!user || user.suspendedAt) return [];
        return [
          await this.outbox.plan(m, {
            userId: user.id,
            contactId: null,
            kind: EmailKind.PASSWORD_RESET,
            dedupeKey: `account:reset:${randomUUID()}`,
            to: { email: user.email, name: null },
            sendAt: new Date(),
          }),
        ];
      });
      await this.outbox.commit(changes);
      return true;
    } finally {
      // Refusals wait as long as answers, so a refusal's timing says nothing either.
      const left = RESET_ANSWER_FLOOR_MS - (Date.now() - started);
      if (left > 0) await sleep(left);
    }
  }

  /**
   * Sets a new password with an emailed token, signs every session out (refresh tokens revoked;
   * access tokens refused within a revocation poll), and counts as proof of the address.
   * BAD_USER_INPUT naming `newPassword` or `token`.
   */
  async reset(token: string, newPassword: string): Promise<boolean> {
    checkNewPassword(newPassword, 'input.newPassword');
    // Checked before hashing: an invalid token costs no argon2 work.
    if (!(await findUsableAccountToken(this.ds.manager, token, AccountTokenPurpose.RESET_PASSWORD))) {
      throw invalidToken();
    }
    const passwordHash = await this.hasher.hash(newPassword);
    const changes: OutboxChange[] = await this.ds.transaction(async (m) => {
      const row = await consumeAccountToken(m, token, AccountTokenPurpose.RESET_PASSWORD);
      if (!row) throw invalidToken();
      const user = await m
        .getRepository(User)
        .findOne({ where: { id: row.userId }, lock: { mode: 'pessimistic_write' } });
      // A token for an address the account no longer has changes nothing.
      if (!user || user.email !== row.email || user.suspendedAt) throw invalidToken();
      await m.getRepository(User).update(
        { id: user.id },
        {
          passwordHash,
          accessRevokedAt: () => 'now()',
          // Recovery replaces every secret link too: whoever had the account may have the feed's.
          calendarFeedVersion: () => 'calendar_feed_version + 1',
          // The link reached the address: it is the account holder's.
          ...(user.emailVerifiedAt ? {} : { emailVerifiedAt: () => 'now()' }),
        },
      );
      await m.update(RefreshToken, { userId: user.id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
      // Registration attempts waiting for the address lose their say: this password wins.
      await m.delete(RegistrationAttempt, { userId: user.id });
      return user.emailVerifiedAt ? [] : releaseHeldEmails(m, user.id);
    });
    await this.outbox.commit(changes);
    this.logger.info({ released: changes.length }, 'password reset; every session signed out');
    return true;
  }
}

/** BAD_USER_INPUT naming `field` unless the password has an allowed length. */
export function checkNewPassword(password: string, field: string): void {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH || passwordTooLong(password)) {
    throw ValidationError.field(field, `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`);
  }
}

async function consume(limiter: RateLimiterRedis, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof Error) throw err;
    throw new RateLimitedError(Math.max(1, Math.ceil((err as RateLimiterRes).msBeforeNext / 1000)), message);
  }
}

const invalidToken = () =>
  ValidationError.field('input.token', 'is invalid, already used or expired', AuthErrorReason.LINK_INVALID);
