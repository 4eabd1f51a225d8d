import { ErrorCode, AppError } from '../../core/errors';

export enum AuthErrorReason {
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_REFRESH_TOKEN = 'INVALID_REFRESH_TOKEN',
  ACCOUNT_SUSPENDED = 'ACCOUNT_SUSPENDED',
  EMAIL_NOT_VERIFIED = 'EMAIL_NOT_VERIFIED',
  SERVER_BUSY = 'SERVER_BUSY',
  /** A verification or reset link's token that is unknown, used or expired: ask for a new link. */
  LINK_INVALID = 'LINK_INVALID',
  /** A verified change of address whose new address another account took meanwhile. */
  ADDRESS_UNAVAILABLE = 'ADDRESS_UNAVAILABLE',
  /** The current password given to confirm a sensitive change is wrong. */
  WRONG_PASSWORD = 'WRONG_PASSWORD',
}

export class AuthError extends AppError {
  static invalidCredentials() {
    // One answer for an unknown email and a wrong password, so accounts cannot be probed.
    return new AuthError(ErrorCode.UNAUTHENTICATED, 'Invalid email or password', {
      reason: AuthErrorReason.INVALID_CREDENTIALS,
    });
  }

  static invalidRefreshToken() {
    return new AuthError(
      ErrorCode.UNAUTHENTICATED,
      'The refresh token is invalid, expired or already used; sign in again',
      {
        reason: AuthErrorReason.INVALID_REFRESH_TOKEN,
      },
    );
  }

  static suspended() {
    return new AuthError(ErrorCode.FORBIDDEN, 'This account is suspended', {
      reason: AuthErrorReason.ACCOUNT_SUSPENDED,
    });
  }

  /**
   * The password is right but the address was never verified. Said only to whoever knows the
   * password, so it tells nobody else that the address has an account.
   */
  static notVerified() {
    return new AuthError(
      ErrorCode.UNAUTHENTICATED,
      'Confirm your email address with the link we sent you first (register again for a new link)',
      { reason: AuthErrorReason.EMAIL_NOT_VERIFIED },
    );
  }

  /** Every password-hashing slot of this process is busy and its queue is full. */
  static busy() {
    return new AuthError(ErrorCode.RATE_LIMITED, 'The server is busy checking passwords; try again in a moment', {
      reason: AuthErrorReason.SERVER_BUSY,
      retryAfterSeconds: 1,
    });
  }
}
