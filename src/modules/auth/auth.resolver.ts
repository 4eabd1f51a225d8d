import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { RegisterInput } from './auth.inputs';
import { AuthPayload } from './auth.types';

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: 'Creates an account and signs it in.' })
  register(@Arg('input') input: RegisterInput, @Ctx() { services, meta }: Context): Promise<AuthPayload> {
    return services.auth.register(input, meta);
  }

  @Mutation(() => AuthPayload, {
    description: 'Signs in. Failed attempts are throttled per account and per IP (RATE_LIMITED).',
  })
  login(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Ctx() { services, meta }: Context,
  ): Promise<AuthPayload> {
    return services.auth.login(email, password, meta);
  }

  @Mutation(() => AuthPayload, {
    description: 'Exchanges a refresh token for a new pair; the old refresh token stops working.',
  })
  refreshToken(@Arg('refreshToken') refreshToken: string, @Ctx() { services, meta }: Context): Promise<AuthPayload> {
    return services.auth.refresh(refreshToken, meta);
  }

  @Mutation(() => Boolean, { description: 'Ends the session of this refresh token (on every device that shares it).' })
  logout(@Arg('refreshToken') refreshToken: string, @Ctx() { services }: Context): Promise<boolean> {
    return services.auth.logout(refreshToken);
  }

  @Mutation(() => Boolean, {
    description:
      'Verifies the address a verification email was sent to, with the token from its link (single-use, 24 hours). Mail to contacts held until now goes out. BAD_USER_INPUT naming `token` when it is unknown, used or expired.',
  })
  verifyEmail(@Arg('token') token: string, @Ctx() { services }: Context): Promise<boolean> {
    return services.emailVerification.verify(token);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Sends another verification email to your address; false when it is verified already. At most 3 an hour (RATE_LIMITED).',
  })
  resendVerificationEmail(@Ctx() { user, services }: Context): Promise<boolean> {
    return services.emailVerification.resend(user!);
  }
}
