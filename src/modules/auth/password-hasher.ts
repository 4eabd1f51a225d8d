import argon2 from 'argon2';
import type { Config } from '../../core/config';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
// Checked before hashing so a huge password cannot be used to burn CPU.
const PASSWORD_MAX_BYTES = 512;

export function passwordTooLong(password: string): boolean {
  return password.length > PASSWORD_MAX_LENGTH || Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
}

/** argon2id with the configured cost; also equalises timing for unknown accounts. */
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(private readonly params: Config['auth']['argon2']) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  verify(hash: string, password: string): Promise<boolean> {
    return argon2.verify(hash, password);
  }

  /** Spends the same work as a real verification, for an email that has no account. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('rapport-timing-equaliser');
    await argon2.verify(await this.dummyHash, password);
    return false;
  }
}
