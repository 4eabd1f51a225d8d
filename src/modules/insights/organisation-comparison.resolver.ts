import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { Topic } from '../questions/topic';
import { OrganisationComparison } from './organisation-comparison.types';

@Resolver(() => OrganisationComparison)
export class OrganisationComparisonResolver {
  @Authorized()
  @Query(() => OrganisationComparison, {
    description:
      'What you learned at 2–10 organisations (`ids`), or at up to 10 of one `industry` (case and extra white space ' +
      'ignored), side by side by category, with the gaps: categories where nothing is learned yet.',
  })
  compareOrganisations(
    @Arg('ids', () => [ID], { nullable: true }) ids: string[] | null,
    @Arg('industry', () => String, { nullable: true }) industry: string | null,
    @Arg('categories', () => [Topic], { nullable: true, description: 'Default: every category.' })
    categories: Topic[] | null,
    @Arg('perCategory', () => Int, { defaultValue: 3, description: 'Latest insights listed per cell, 1 to 10.' })
    perCategory: number,
    @Ctx() { user, services }: Context,
  ): Promise<OrganisationComparison> {
    return services.organisationComparison.compare(user!, { ids, industry, categories, perCategory });
  }
}
