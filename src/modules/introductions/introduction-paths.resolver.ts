import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { IntroductionPathsArgs } from './introduction-paths.inputs';
import { IntroductionPaths } from './introduction-paths.types';

@Resolver()
export class IntroductionPathsResolver {
  @Authorized()
  @Query(() => IntroductionPaths, {
    description:
      'Who can introduce you: ranked chains of your contacts from you to someone at an organisation (works or worked there) or to a contact, over introductions, referrals from debriefs and reporting lines.',
  })
  introductionPaths(
    @Args() args: IntroductionPathsArgs,
    @Ctx() { user, services }: Context,
  ): Promise<IntroductionPaths> {
    return services.introductionPaths.find(user!, args);
  }
}
