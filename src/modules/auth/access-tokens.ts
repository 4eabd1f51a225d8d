import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from '../../core/config';
import { Role } from '../users/user.entity';
import type { AccessRevocations } from './access-revocations';

const ALGORITHM = 'HS256';
const ISSUER = 'rapport';
const AUDIENCE = 'rapport-api';

/** Who a request acts for, as carried by its access token. */
export interface AuthUser {
  id: string;
  role: Role;
  /** The session (refresh-token family) the token was issued to; absent on older tokens. */
  sessionId?: string | null;
}

interface Verified {
  user: AuthUser;
  expiresAtMs: number;
  issuedAtMs: number;
}

/** Short-lived JWT access tokens; the algorithm is pinned so `alg: none` or RS/HS confusion fail. */
export class AccessTokens {
  /**
   * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries (and fails)
   * to parse it as a PEM public key on every call, which costs an exception per request.
   */
  private readonly key: KeyObject;

  constructor(
    private readonly config: Config['auth'],
    /** Accounts whose earlier tokens are refused (suspended, re-roled); none when absent. */
    private readonly revocations?: Pick<AccessRevocations, 'revoked'>,
  ) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  sign(user: AuthUser): { token: string; expiresAt: Date } {
    const expiresAt = new Date(Date.now() + this.config.accessTokenTtlSeconds * 1000);
    // `iat` to the millisecond (a JWT NumericDate may have a fraction): a token issued just after
    // its account's access was revoked (a role change, then a refresh) is told from one before.
    const claims: Record<string, unknown> = { role: user.role, iat: Date.now() / 1000 };
    if (user.sessionId) claims.sid = user.sessionId;
    const token = jwt.sign(claims, this.key, {
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
  private readonly verified = new Map<string, Verified>();

  /**
   * The token's user, or null when it is malformed, tampered with, expired, of another kind, or
   * issued before its account's access was revoked.
   */
  verify(token: string): AuthUser | null {
    return this.verifyUntil(token)?.user ?? null;
  }

  /** As `verify`, with the moment the token expires (a live-updates socket closes then). */
  verifyUntil(token: string): { user: AuthUser; expiresAtMs: number } | null {
    let known = this.verified.get(token);
    if (known && Date.now() >= known.expiresAtMs) {
      this.verified.delete(token);
      known = undefined;
    }
    if (!known) {
      const checked = this.verifySignature(token);
      if (!checked) return null;
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, checked);
      known = checked;
    }
    // Checked on every use, cached or not: a revocation applies to tokens already seen.
    if (this.revocations?.revoked(known.user.id, known.issuedAtMs)) return null;
    return known;
  }

  private verifySignature(token: string): Verified | null {
    try {
      const claims = jwt.verify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string') return null;
      const role = (claims as { role?: unknown }).role;
      if (role !== Role.USER && role !== Role.ADMIN) return null;
      if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return null;
      const sid = (claims as { sid?: unknown }).sid;
      const user: AuthUser =
        typeof sid === 'string' ? { id: claims.sub, role, sessionId: sid } : { id: claims.sub, role };
      return { user, expiresAtMs: claims.exp * 1000, issuedAtMs: claims.iat * 1000 };
    } catch {
      return null;
    }
  }
}
