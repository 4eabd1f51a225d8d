import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isEmail } from 'class-validator';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import { User } from '../users/user.entity';
import { normalizeEmail, type UserService } from '../users/user.service';
import { NotFoundError, ValidationError } from '../../core/errors';
import type { AccessTokens, AuthUser } from './access-tokens';
import { AuthError, AuthErrorReason } from './auth.errors';
import type { AuthPayload } from './auth.types';
import type { EmailVerificationService } from './email-verification.service';
import type { LoginThrottle } from './login-throttle';
import { passwordTooLong, type PasswordHasher } from './password-hasher';
import { checkNewPassword } from './password-reset.service';
import { RefreshToken } from './refresh-token.entity';

/** Where a request came from, for throttling and for the refresh-token record. */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

export class AuthService {
  constructor(
    private readonly ds: DataSource,
    private readonly users: UserService,
    /** Public so tests can read its counters. */
    readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokens,
    private readonly throttle: LoginThrottle,
    private readonly config: Config['auth'],
    private readonly logger: Logger,
    private readonly verification: EmailVerificationService,
  ) {}

  async login(email: string, password: string, meta: RequestMeta): Promise<AuthPayload> {
    const key = normalizeEmail(email).slice(0, 254);
    // Counted before the password is checked, so parallel requests cannot outrun the limit.
    await this.throttle.beginAttempt(key, meta.ip);
    const user = passwordTooLong(password) ? null : await this.users.findForLogin(key);
    let ok: boolean;
    try {
      ok = user
        ? await this.hasher.verify(user.passwordHash, password)
        : await this.hasher.verifyNothing(password.slice(0, 128));
    } catch (err) {
      // Nothing was checked (the hasher is busy, or failed): the attempt is not a failure.
      await this.throttle.refund(key, meta.ip);
      throw err;
    }
    if (!user || !ok) throw AuthError.invalidCredentials();
    if (user.suspendedAt) {
      await this.throttle.refund(key, meta.ip);
      throw AuthError.suspended();
    }
    await this.throttle.succeeded(key, meta.ip);
    // An address nobody has proved may be someone else's: no session until it is verified.
    if (!user.emailVerifiedAt) throw AuthError.notVerified();
    return this.ds.transaction((m) => this.issue(m, user, randomUUID(), meta));
  }

  /**
   * Exchanges a refresh token for a new pair. A token that was already exchanged means it
   * leaked (or a client raced itself): the whole family is revoked and the caller must sign in.
   */
  async refresh(token: string, meta: RequestMeta): Promise<AuthPayload> {
    const outcome = await this.ds.transaction(async (m) => {
      const tokens = m.getRepository(RefreshToken);
      const row = await tokens.findOne({ where: { tokenHash: hashToken(token) }, lock: { mode: 'pessimistic_write' } });
      if (!row || row.revokedAt) return null;
      if (row.rotatedAt) {
        await this.revokeFamily(m, row.familyId);
        this.logger.warn({ userId: row.userId, familyId: row.familyId }, 'refresh token reused; family revoked');
        return null;
      }
      if (row.expiresAt.getTime() <= Date.now()) return null;
      const user = await m.getRepository(User).findOneBy({ id: row.userId });
      if (!user || user.suspendedAt) {
        await this.revokeFamily(m, row.familyId);
        return null;
      }
      await tokens.update({ id: row.id }, { rotatedAt: () => 'now()' });
      return this.issue(m, user, row.familyId, meta);
    });
    // Thrown after commit, so a revocation is not rolled back with the error.
    if (!outcome) throw AuthError.invalidRefreshToken();
    return outcome;
  }

  /** Ends the session the token belongs to. Unknown tokens are ignored: the result is the same. */
  async logout(token: string): Promise<boolean> {
    await this.ds.transaction(async (m) => {
      const row = await m.getRepository(RefreshToken).findOneBy({ tokenHash: hashToken(token) });
      if (row) await this.revokeFamily(m, row.familyId);
    });
    return true;
  }

  /**
   * Changes the password after checking the current one (a failure counts as a failed sign-in:
   * BAD_USER_INPUT naming `currentPassword`, RATE_LIMITED past the limit). Every other session is
   * signed out, access tokens included (within a revocation poll); this one carries on with the
   * pair returned (its previous refresh token stops working).
   */
  async changePassword(
    authUser: AuthUser,
    currentPassword: string,
    newPassword: string,
    meta: RequestMeta,
  ): Promise<AuthPayload> {
    checkNewPassword(newPassword, 'input.newPassword');
    const found = await this.users.findForLoginById(authUser.id);
    if (!found) throw new NotFoundError('User');
    await this.checkPassword(found, currentPassword, 'input.currentPassword', meta);
    const passwordHash = await this.hasher.hash(newPassword);
    return this.ds.transaction(async (m) => {
      const user = await m
        .getRepository(User)
        .findOne({ where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      // Every access token issued until now is refused; the one returned below is issued after.
      await m.getRepository(User).update({ id: user.id }, { passwordHash, accessRevokedAt: () => 'now()' });
      const current = authUser.sessionId ?? null;
      const others = m
        .createQueryBuilder()
        .update(RefreshToken)
        .set({ revokedAt: () => 'now()' })
        .where('user_id = :userId AND revoked_at IS NULL', { userId: user.id });
      if (current) others.andWhere('family_id <> :current', { current });
      await others.execute();
      // This session goes on with a new pair: its live refresh token is retired as by a refresh.
      const live = current
        ? await m
            .createQueryBuilder()
            .update(RefreshToken)
            .set({ rotatedAt: () => 'now()' })
            .where('user_id = :userId AND family_id = :current AND revoked_at IS NULL AND rotated_at IS NULL', {
              userId: user.id,
              current,
            })
            .execute()
        : null;
      return this.issue(m, user, live?.affected ? current! : randomUUID(), meta);
    });
  }

  /**
   * Asks to move the account to `newEmail`: nothing changes until the link sent there is used
   * (verifyEmail), and then the old address is told. The password is checked as a sign-in
   * (BAD_USER_INPUT naming `password`, throttled); whether another account has the address is
   * not said here (the move then fails at verification).
   */
  async changeEmail(authUser: AuthUser, newEmail: string, password: string, meta: RequestMeta): Promise<User> {
    const address = normalizeEmail(String(newEmail));
    if (address.length > 254 || !isEmail(address)) {
      throw ValidationError.field('input.newEmail', 'must be a valid email address');
    }
    const found = await this.users.findForLoginById(authUser.id);
    if (!found) throw new NotFoundError('User');
    if (address === found.email) throw ValidationError.field('input.newEmail', 'is already your address');
    await this.checkPassword(found, password, 'input.password', meta);
    return this.verification.requestChange(found.id, address);
  }

  /**
   * The password check of changePassword, changeEmail and deleteAccount: a failure counts as a
   * failed sign-in (BAD_USER_INPUT naming `field`, RATE_LIMITED past the limit).
   */
  async checkPassword(user: User, password: string, field: string, meta: RequestMeta): Promise<void> {
    await this.throttle.beginAttempt(user.email, meta.ip);
    let ok: boolean;
    try {
      ok = !passwordTooLong(password) && (await this.hasher.verify(user.passwordHash, password));
    } catch (err) {
      await this.throttle.refund(user.email, meta.ip);
      throw err;
    }
    if (!ok) throw ValidationError.field(field, 'is not your current password', AuthErrorReason.WRONG_PASSWORD);
    await this.throttle.succeeded(user.email, meta.ip);
  }

  /** Deletes tokens that can no longer be used; run daily by the worker. */
  async purgeExpired(): Promise<number> {
    // A deleted account's id is kept only while one of its access tokens could still be live.
    await this.ds.query(
      `DELETE FROM deleted_accounts WHERE deleted_at < now() - make_interval(secs => $1) - interval '1 day'`,
      [this.config.accessTokenTtlSeconds],
    );
    const result = await this.ds
      .createQueryBuilder()
      .delete()
      .from(RefreshToken)
      .where("expires_at < now() - interval '1 day'")
      .orWhere("revoked_at < now() - interval '1 day'")
      .execute();
    return result.affected ?? 0;
  }

  private async revokeFamily(m: EntityManager, familyId: string): Promise<void> {
    await m.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }

  private async issue(m: EntityManager, user: User, familyId: string, meta: RequestMeta): Promise<AuthPayload> {
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    const refreshTokenExpiresAt = new Date(Date.now() + this.config.refreshTokenTtlDays * 86_400_000);
    await m.getRepository(RefreshToken).insert({
      userId: user.id,
      familyId,
      tokenHash: hashToken(refreshToken),
      expiresAt: refreshTokenExpiresAt,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      ip: meta.ip.slice(0, 64),
    });
    const access = this.accessTokens.sign({ id: user.id, role: user.role, sessionId: familyId });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
      user,
    };
  }
}
