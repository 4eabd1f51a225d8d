import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../../core/config';
import { RateLimitedError } from '../../core/errors';

// consume() rejects with a RateLimiterRes once over the limit (and with an Error when Redis
// fails, which must surface): this returns the wait in ms when over, or null when allowed.
async function take(limiter: RateLimiterRedis, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (err) {
    if (err instanceof Error) throw err;
    return (err as RateLimiterRes).msBeforeNext;
  }
}

const tooMany = (waitMs: number) =>
  new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)), 'Too many failed sign-in attempts; try again later');

/**
 * Counts sign-in attempts per account and per IP in Redis, so every API instance sees the same
 * counts. An attempt takes its point atomically BEFORE the password is checked, so however many
 * requests race, at most the limit of them reach the hasher per window; a right password gives
 * its point back (and clears the account's count), so the counts are of failures.
 */
export class LoginThrottle {
  private readonly perAccount: RateLimiterRedis;
  private readonly perIp: RateLimiterRedis;
  private readonly registrations: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, config: Config['auth']['throttle']) {
    this.perAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login-fail:account`,
      points: config.maxFailuresPerAccount,
      duration: config.windowSeconds,
    });
    this.perIp = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login-fail:ip`,
      points: config.maxFailuresPerIp,
      duration: config.windowSeconds,
    });
    this.registrations = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:register:ip`,
      points: config.registrationsPerIpPerHour,
      duration: 3600,
    });
  }

  /**
   * Takes one attempt from this IP's and this account's allowance, or throws RATE_LIMITED.
   * The IP goes first: an address over its limit cannot spend (and so lock) accounts' attempts.
   * An attempt refused for the account is given back to the IP, as nothing was checked.
   */
  async beginAttempt(email: string, ip: string): Promise<void> {
    const ipWait = await take(this.perIp, ip);
    if (ipWait !== null) throw tooMany(ipWait);
    const accountWait = await take(this.perAccount, email);
    if (accountWait !== null) {
      await this.perIp.reward(ip);
      throw tooMany(accountWait);
    }
  }

  /** The password was right: the account's failures are cleared and the IP's point given back. */
  async succeeded(email: string, ip: string): Promise<void> {
    await Promise.all([this.perAccount.delete(email), this.perIp.reward(ip)]);
  }

  /** The password was right but sign-in was refused for another reason: not a failure. */
  async refund(email: string, ip: string): Promise<void> {
    await Promise.all([this.perAccount.reward(email), this.perIp.reward(ip)]);
  }

  async consumeRegistration(ip: string): Promise<void> {
    const wait = await take(this.registrations, ip);
    if (wait !== null) {
      throw new RateLimitedError(Math.max(1, Math.ceil(wait / 1000)), 'Too many accounts created from this address');
    }
  }
}
