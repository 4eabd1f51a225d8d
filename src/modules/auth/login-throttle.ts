import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../../core/config';
import { RateLimitedError } from '../../core/errors';

// consume() rejects with a RateLimiterRes once over the limit: only the count matters here,
// but a Redis error must still surface.
async function countFailure(limiter: RateLimiterRedis, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof Error) throw err;
  }
}

/**
 * Counts failed logins per account and per IP in Redis, so every API instance sees the same
 * counts. While either is over its limit, login is refused before the password is checked.
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

  /** Throws RATE_LIMITED when this account or IP has used up its failures. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([this.perAccount.get(email), this.perIp.get(ip)]);
    const blocked = [
      { res: account, limit: this.perAccount.points },
      { res: address, limit: this.perIp.points },
    ].filter((x): x is { res: RateLimiterRes; limit: number } => !!x.res && x.res.consumedPoints >= x.limit);
    if (blocked.length) {
      const waitMs = Math.max(...blocked.map((b) => b.res.msBeforeNext));
      throw new RateLimitedError(
        Math.max(1, Math.ceil(waitMs / 1000)),
        'Too many failed sign-in attempts; try again later',
      );
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([countFailure(this.perAccount, email), countFailure(this.perIp, ip)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.perAccount.delete(email);
  }

  async consumeRegistration(ip: string): Promise<void> {
    try {
      await this.registrations.consume(ip);
    } catch (res) {
      if (res instanceof Error) throw res;
      const waitMs = (res as RateLimiterRes).msBeforeNext;
      throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)), 'Too many accounts created from this address');
    }
  }
}
