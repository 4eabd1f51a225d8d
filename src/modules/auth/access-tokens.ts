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

/** Why a sent access token gives no user: a client refreshes on EXPIRED and REVOKED. */
export enum AccessTokenErrorReason {
  /** Signed by us and otherwise valid, but past its expiry. */
  EXPIRED = 'TOKEN_EXPIRED',
  /** Malformed, tampered with, of another kind or issuer, or not a Bearer token. */
  INVALID = 'TOKEN_INVALID',
  /** Issued before its account's access was revoked (suspended, re-roled, deleted). */
  REVOKED = 'TOKEN_REVOKED',
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
    const checked = this.checkUntil(token);
    return typeof checked === 'string' ? null : checked.user;
  }

  /** The token's user, or why it gives none (see AccessTokenErrorReason). */
  check(token: string): AuthUser | AccessTokenErrorReason {
    const checked = this.checkUntil(token);
    return typeof checked === 'string' ? checked : checked.user;
  }

  /** As `verify`, with the moment the token expires (a live-updates socket closes then). */
  verifyUntil(token: string): { user: AuthUser; expiresAtMs: number } | null {
    const checked = this.checkUntil(token);
    return typeof checked === 'string' ? null : checked;
  }

  private checkUntil(token: string): Verified | AccessTokenErrorReason {
    let known = this.verified.get(token);
    if (known && Date.now() >= known.expiresAtMs) {
      this.verified.delete(token);
      return AccessTokenErrorReason.EXPIRED;
    }
    if (!known) {
      const checked = this.verifySignature(token);
      if (typeof checked === 'string') return checked;
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, checked);
      known = checked;
    }
    // Checked on every use, cached or not: a revocation applies to tokens already seen.
    if (this.revocations?.revoked(known.user.id, known.issuedAtMs)) return AccessTokenErrorReason.REVOKED;
    return known;
  }

  private verifySignature(token: string, ignoreExpiration = false): Verified | AccessTokenErrorReason {
    let claims: string | jwt.JwtPayload;
    try {
      claims = jwt.verify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        ignoreExpiration,
      });
    } catch (err) {
      // jsonwebtoken checks the expiry before the audience and issuer: an expired token is called
      // expired only once everything else about it holds.
      if (err instanceof jwt.TokenExpiredError && !ignoreExpiration) {
        return typeof this.verifySignature(token, true) === 'string'
          ? AccessTokenErrorReason.INVALID
          : AccessTokenErrorReason.EXPIRED;
      }
      return AccessTokenErrorReason.INVALID;
    }
    if (typeof claims !== 'object' || typeof claims.sub !== 'string') return AccessTokenErrorReason.INVALID;
    const role = (claims as { role?: unknown }).role;
    if (role !== Role.USER && role !== Role.ADMIN) return AccessTokenErrorReason.INVALID;
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return AccessTokenErrorReason.INVALID;
    const sid = (claims as { sid?: unknown }).sid;
    const user: AuthUser =
      typeof sid === 'string' ? { id: claims.sub, role, sessionId: sid } : { id: claims.sub, role };
    return { user, expiresAtMs: claims.exp * 1000, issuedAtMs: claims.iat * 1000 };
  }
}
