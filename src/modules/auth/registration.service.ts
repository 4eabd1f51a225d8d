import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError } from '../../core/errors';
import { canonicalLocale, DEFAULT_LOCALE } from '../../core/validation';
import type { Logger } from '../../core/logger';
import { EmailKind } from '../emails/email-kind';
import type { OutboxChange } from '../emails/email-queue';
import type { OutboxService } from '../emails/outbox.service';
import type { QuestionService } from '../questions/question.service';
import { User } from '../users/user.entity';
import { normalizeEmail, type UserService } from '../users/user.service';
import type { RegisterInput } from './auth.inputs';
import type { RequestMeta } from './auth.service';
import type { EmailVerificationService } from './email-verification.service';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import { RegistrationAttempt } from './registration-attempt.entity';

/**
 * Every answer of register takes at least this long, whether the address is new, waiting for
 * verification or taken: the work of each case (an account, or an email) hides under it.
 */
export const REGISTER_ANSWER_FLOOR_MS = 250;
/** Emails one address can be sent per hour because somebody registered it (the first aside). */
export const REGISTRATION_EMAILS_PER_ADDRESS_PER_HOUR = 3;

/**
 * Sign-up that says nothing about which addresses have accounts: `register` answers true, in
 * about the same time, for every valid request, and the address's mailbox learns the rest. A new
 * address gets an unverified account and a verification link; an address with an unverified
 * account gets another link, for this attempt's password; a verified address gets a note to its
 * owner (sign in, or reset the password). Nobody can sign in until the address is verified.
 */
export class RegistrationService {
  private readonly perAddress: RateLimiterRedis;

  constructor(
    private readonly ds: DataSource,
    private readonly users: UserService,
    private readonly questions: QuestionService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly verification: EmailVerificationService,
    private readonly outbox: OutboxService,
    redis: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.perAddress = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:registration:address`,
      points: REGISTRATION_EMAILS_PER_ADDRESS_PER_HOUR,
      duration: 3600,
    });
  }

  /**
   * Answers true for every valid request (RATE_LIMITED past the per-IP limit, the same for every
   * address). `options.emailVerified` is for trusted tools only (the demo seed): the account is
   * verified at once and no email is sent.
   */
  async register(input: RegisterInput, meta: RequestMeta, options: { emailVerified?: boolean } = {}): Promise<true> {
    const started = Date.now();
    try {
      await this.throttle.consumeRegistration(meta.ip);
      // Hashed whatever happens next, so the three cases cost the same.
      const passwordHash = await this.hasher.hash(input.password);
      const address = normalizeEmail(input.email);
      // Validated as a supported tag; kept in its canonical form (en-us → en-US).
      const locale = input.locale ? (canonicalLocale(input.locale) ?? DEFAULT_LOCALE) : undefined;
      let changes: OutboxChange[];
      try {
        changes = await this.ds.transaction((m) =>
          this.attempt(m, { ...input, email: address, locale }, passwordHash, options),
        );
      } catch (err) {
        // Another request created the account between our read and our insert: it now exists.
        if (!(err instanceof ConflictError)) throw err;
        changes = await this.ds.transaction((m) =>
          this.attempt(m, { ...input, email: address, locale }, passwordHash, options),
        );
      }
      await this.outbox.commit(changes);
      return true;
    } finally {
      const left = REGISTER_ANSWER_FLOOR_MS - (Date.now() - started);
      if (left > 0) await sleep(left);
    }
  }

  private async attempt(
    m: EntityManager,
    input: RegisterInput,
    passwordHash: string,
    options: { emailVerified?: boolean },
  ): Promise<OutboxChange[]> {
    const existing = await m
      .getRepository(User)
      .findOne({ where: { email: input.email }, lock: { mode: 'pessimistic_write' } });
    if (!existing) {
      const user = await this.users.create(m, {
        ...input,
        passwordHash,
        emailVerifiedAt: options.emailVerified ? new Date() : null,
      });
      // Every account starts with a bank of good questions for its first agendas.
      await this.questions.seedDefaults(user.id, m);
      this.logger.info({ userId: user.id }, 'user registered');
      return user.emailVerifiedAt ? [] : [await this.planAttempt(m, user, input, passwordHash)];
    }
    // From here on the address has an account: a few emails an hour at most, then silence (the
    // answer stays the same, so the limit says nothing either).
    if (!(await this.allowEmail(input.email)) || existing.suspendedAt) return [];
    if (!existing.emailVerifiedAt) {
      this.logger.info({ userId: existing.id }, 'registration attempt for an unverified account');
      return [await this.planAttempt(m, existing, input, passwordHash)];
    }
    this.logger.info({ userId: existing.id }, 'registration attempt for an existing account; owner told');
    return [
      await this.outbox.plan(m, {
        userId: existing.id,
        contactId: null,
        kind: EmailKind.ACCOUNT_EXISTS,
        dedupeKey: `account:exists:${randomUUID()}`,
        to: { email: existing.email, name: null },
        sendAt: new Date(),
      }),
    ];
  }

  /** A verification email for this attempt, and the attempt's choices kept for its link alone. */
  private async planAttempt(
    m: EntityManager,
    user: User,
    input: RegisterInput,
    passwordHash: string,
  ): Promise<OutboxChange> {
    const change = await this.verification.plan(m, user);
    await m.getRepository(RegistrationAttempt).insert({
      userId: user.id,
      scheduledEmailId: change.id,
      passwordHash,
      name: input.name.trim(),
      timezone: input.timezone,
      locale: input.locale ?? DEFAULT_LOCALE,
    });
    return change;
  }

  private async allowEmail(address: string): Promise<boolean> {
    try {
      await this.perAddress.consume(address);
      return true;
    } catch (err) {
      if (err instanceof Error) throw err;
      return false;
    }
  }
}
