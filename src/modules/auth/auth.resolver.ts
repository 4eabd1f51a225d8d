import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import {
  ChangeEmailInput,
  ChangePasswordInput,
  DeleteAccountInput,
  LoginInput,
  LogoutInput,
  RefreshTokenInput,
  RegisterInput,
  RequestPasswordResetInput,
  ResetPasswordInput,
  VerifyEmailInput,
} from './auth.inputs';
import { AuthPayload } from './auth.types';
import { User } from '../users/user.entity';

@Resolver()
export class AuthResolver {
  @Mutation(() => Boolean, {
    description:
      'Asks for an account. Always true, in about the same time, so it never says whether the address has one: the address is emailed a verification link (a new address, or one not verified yet: the link applies this request’s password, name and time zone), or, when it has an account, a note to sign in or reset the password. Sign in once the link is used. BAD_USER_INPUT naming the field; RATE_LIMITED per IP.',
  })
  register(@Arg('input') input: RegisterInput, @Ctx() { services, meta }: Context): Promise<boolean> {
    return services.registration.register(input, meta);
  }

  @Mutation(() => AuthPayload, {
    description:
      'Signs in. Failed attempts are throttled per account and per IP (RATE_LIMITED). An account whose address is not verified yet answers UNAUTHENTICATED with reason EMAIL_NOT_VERIFIED (only when the password is right).',
  })
  login(@Arg('input') input: LoginInput, @Ctx() { services, meta }: Context): Promise<AuthPayload> {
    return services.auth.login(input.email, input.password, meta);
  }

  @Mutation(() => AuthPayload, {
    description: 'Exchanges a refresh token for a new pair; the old refresh token stops working.',
  })
  refreshToken(@Arg('input') input: RefreshTokenInput, @Ctx() { services, meta }: Context): Promise<AuthPayload> {
    return services.auth.refresh(input.refreshToken, meta);
  }

  @Mutation(() => Boolean, { description: 'Ends the session of this refresh token (on every device that shares it).' })
  logout(@Arg('input') input: LogoutInput, @Ctx() { services }: Context): Promise<boolean> {
    return services.auth.logout(input.refreshToken);
  }

  @Mutation(() => Boolean, {
    description:
      'Verifies the address a verification email was sent to, with the token from its link (single-use, 24 hours). Mail to contacts held until now goes out. BAD_USER_INPUT naming `input.token` when it is unknown, used or expired.',
  })
  verifyEmail(@Arg('input') input: VerifyEmailInput, @Ctx() { services }: Context): Promise<boolean> {
    return services.emailVerification.verify(input.token);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Sends another verification email to your address; false when it is verified already. At most 3 an hour (RATE_LIMITED).',
  })
  resendVerificationEmail(@Ctx() { user, services }: Context): Promise<boolean> {
    return services.emailVerification.resend(user!);
  }

  @Mutation(() => Boolean, {
    description:
      'Emails a password reset link (single-use, 30 minutes) if the address has an account. Always true, in about the same time either way; throttled per address and per IP (RATE_LIMITED).',
  })
  requestPasswordReset(
    @Arg('input') input: RequestPasswordResetInput,
    @Ctx() { services, meta }: Context,
  ): Promise<boolean> {
    return services.passwordReset.request(input.email, meta);
  }

  @Mutation(() => Boolean, {
    description:
      'Sets a new password with the token from a reset email and signs every session out (sign in again). BAD_USER_INPUT naming `input.token` or `input.newPassword`.',
  })
  resetPassword(@Arg('input') input: ResetPasswordInput, @Ctx() { services }: Context): Promise<boolean> {
    return services.passwordReset.reset(input.token, input.newPassword);
  }

  @Authorized()
  @Mutation(() => AuthPayload, {
    description:
      'Changes your password. Every other session is signed out; this one continues with the pair returned (its old refresh token stops working). BAD_USER_INPUT naming `input.currentPassword` or `input.newPassword`.',
  })
  changePassword(
    @Arg('input') input: ChangePasswordInput,
    @Ctx() { user, services, meta }: Context,
  ): Promise<AuthPayload> {
    return services.auth.changePassword(user!, input.currentPassword, input.newPassword, meta);
  }

  @Authorized()
  @Mutation(() => User, {
    description:
      'Asks to move your account to another address: pendingEmail until the link sent there is used, then email (and the old address is told). BAD_USER_INPUT naming `input.newEmail` or `input.password`.',
  })
  changeEmail(@Arg('input') input: ChangeEmailInput, @Ctx() { user, services, meta }: Context): Promise<User> {
    return services.auth.changeEmail(user!, input.newEmail, input.password, meta);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Deletes your account and everything it owns, at once and for good: pending emails are cancelled, every session is signed out (access tokens within seconds), export and calendar feed links stop working. BAD_USER_INPUT naming `input.password`; a wrong password counts as a failed sign-in (RATE_LIMITED).',
  })
  deleteAccount(@Arg('input') input: DeleteAccountInput, @Ctx() { user, services, meta }: Context): Promise<boolean> {
    return services.accountDeletion.deleteAccount(user!, input.password, meta);
  }
}
