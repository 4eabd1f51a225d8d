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

  /** The token's user, or null when it is malformed, tampered with, expired or of another kind. */
  verify(token: string): AuthUser | null {
    try {
      const claims = jwt.verify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string') return null;
      const role = (claims as { role?: unknown }).role;
      if (role !== Role.USER && role !== Role.ADMIN) return null;
      return { id: claims.sub, role };
    } catch {
      return null;
    }
  }
}
