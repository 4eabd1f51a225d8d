import argon2 from 'argon2';
import type { Config } from '../../core/config';
import { AuthError } from './auth.errors';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
// Checked before hashing so a huge password cannot be used to burn CPU.
const PASSWORD_MAX_BYTES = 512;

export function passwordTooLong(password: string): boolean {
  return password.length > PASSWORD_MAX_LENGTH || Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
}

/** What the hasher has done since the process started (read by tests and for metrics). */
export interface HashingStats {
  hashes: number;
  verifications: number;
  /** The most hashes that ran at once. */
  peakConcurrent: number;
  /** Calls refused because every slot was busy and the queue was full. */
  refused: number;
}

/**
 * argon2id with the configured cost; also equalises timing for unknown accounts. At most
 * `maxConcurrent` hashes run at once in this process and `maxQueued` wait; the rest are refused
 * at once, so no client can fill libuv's thread pool or queue work without bound.
 */
export class PasswordHasher {
  readonly stats: HashingStats = { hashes: 0, verifications: 0, peakConcurrent: 0, refused: 0 };
  private dummyHash?: Promise<string>;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly params: Config['auth']['argon2'],
    private readonly limits: Config['auth']['hashing'] = { maxConcurrent: 2, maxQueued: 32 },
  ) {}

  hash(password: string): Promise<string> {
    return this.bounded(() => {
      this.stats.hashes++;
      return argon2.hash(password, { type: argon2.argon2id, ...this.params });
    });
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.bounded(() => {
      this.stats.verifications++;
      return argon2.verify(hash, password);
    });
  }

  /** Spends the same work as a real verification, for an email that has no account. */
  async verifyNothing(password: string): Promise<false> {
    // Made once, outside the bound: waiting for it must not hold a slot.
    this.dummyHash ??= argon2.hash('rapport-timing-equaliser', { type: argon2.argon2id, ...this.params });
    await this.verify(await this.dummyHash, password);
    return false;
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.limits.maxConcurrent) {
      this.running++;
    } else if (this.waiting.length < this.limits.maxQueued) {
      // The releasing call hands its slot over, so `running` is not decremented in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.stats.refused++;
      throw AuthError.busy();
    }
    this.stats.peakConcurrent = Math.max(this.stats.peakConcurrent, this.running);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
