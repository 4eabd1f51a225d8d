import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
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
}
