import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { Session } from './session.types';

@Resolver(() => Session)
export class SessionResolver {
  @Authorized()
  @Query(() => [Session], { description: 'Your signed-in devices, most recently used first; the current one marked.' })
  sessions(@Ctx() { user, services }: Context): Promise<Session[]> {
    return services.sessions.list(user!);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Signs one of your sessions out: its refresh token stops at once, its access token within its lifetime (15 minutes). NOT_FOUND if it is not yours.',
  })
  revokeSession(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<boolean> {
    return services.sessions.revoke(user!, id);
  }

  @Authorized()
  @Mutation(() => Int, { description: 'Signs out every session but this one; returns how many ended.' })
  revokeOtherSessions(@Ctx() { user, services }: Context): Promise<number> {
    return services.sessions.revokeOthers(user!);
  }
}
