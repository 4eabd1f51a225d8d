import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { User } from './user.entity';
import { UpdateProfileInput } from './user.inputs';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => User, { description: 'The signed-in user.' })
  me(@Ctx() { user, services }: Context): Promise<User> {
    return services.users.get(user!);
  }

  @Authorized()
  @Mutation(() => User, { description: 'Changes your settings: only the fields given change.' })
  updateProfile(@Arg('input') input: UpdateProfileInput, @Ctx() { user, services }: Context): Promise<User> {
    return services.users.updateProfile(user!, input);
  }
}
