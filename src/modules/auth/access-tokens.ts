import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from '../../core/config';
import { Role } from '../users/user.entity';

const ALGORITHM = 'HS256';
const ISSUER = 'rapport';
const AUDIENCE = 'rapport-api';

/** Who a request acts for, as carried by its access token. */
export interface AuthUser {
  id: string;
  role: Role;
}

/** Short-lived JWT access tokens; the algorithm is pinned so `alg: none` or RS/HS confusion fail. */
export class AccessTokens {
  /**
   * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries (and fails)
   * to parse it as a PEM public key on every call, which costs an exception per request.
   */
  private readonly key: KeyObject;

  constructor(private readonly config: Config['auth']) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  sign(user: AuthUser): { token: string; expiresAt: Date } {
    const expiresAt = new Date(Date.now() + this.config.accessTokenTtlSeconds * 1000);
    const token = jwt.sign({ role: user.role }, this.key, {
      algorithm: ALGORITHM,
      subject: user.id,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: this.config.accessTokenTtlSeconds,
    });
    return { token, expiresAt };
  }

  /**
   * Tokens already verified, with their expiry: a client sends the same token with every
   * request until it expires. Bounded; emptied when full. Only valid tokens are kept.
   */
  private readonly verified = new Map<string, { user: AuthUser; expiresAtMs: number }>();

  /** The token's user, or null when it is malformed, tampered with, expired or of another kind. */
  verify(token: string): AuthUser | null {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAtMs) return known.user;
      this.verified.delete(token);
    }
    const user = this.verifySignature(token);
    if (user) {
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, user);
      return user.user;
    }
    return null;
  }

  private verifySignature(token: string): { user: AuthUser; expiresAtMs: number } | null {
    try {
      const claims = jwt.verify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string') return null;
      const role = (claims as { role?: unknown }).role;
      if (role !== Role.USER && role !== Role.ADMIN) return null;
      if (typeof claims.exp !== 'number') return null;
      return { user: { id: claims.sub, role }, expiresAtMs: claims.exp * 1000 };
    } catch {
      return null;
    }
  }
}
