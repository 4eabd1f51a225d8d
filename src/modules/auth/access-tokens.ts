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
  constructor(private readonly config: Config['auth']) {}

  sign(user: AuthUser): { token: string; expiresAt: Date } {
    const expiresAt = new Date(Date.now() + this.config.accessTokenTtlSeconds * 1000);
    const token = jwt.sign({ role: user.role }, this.config.jwtSecret, {
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
      const claims = jwt.verify(token, this.config.jwtSecret, {
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
