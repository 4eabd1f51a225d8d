import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { asksTotalCount } from '../../core/graphql/selection';
import { Organisation } from './organisation.entity';
import {
  CreateOrganisationInput,
  OrganisationFilter,
  OrganisationSort,
  UpdateOrganisationInput,
} from './organisation.inputs';

export const OrganisationConnection = Connection(Organisation, 'Organisation');

@Resolver(() => Organisation)
export class OrganisationResolver {
  @Authorized()
  @Query(() => OrganisationConnection, { description: 'Your organisations, a page at a time.' })
  organisations(
    @Args() page: PageArgs,
    @Arg('filter', () => OrganisationFilter, { nullable: true }) filter: OrganisationFilter | null,
    @Arg('sort', () => OrganisationSort, { defaultValue: OrganisationSort.NAME_ASC }) sort: OrganisationSort,
    @Ctx() { user, services }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Organisation>> {
    return services.organisations.list(user!, filter ?? {}, page, sort, asksTotalCount(info));
  }

  @Authorized()
  @Query(() => Organisation, { nullable: true, description: 'null when it does not exist or is not yours.' })
  organisation(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context): Promise<Organisation | null> {
    // The request's loader: scoped to the user, and shared with every other read of it.
    return loaders.organisation.load(id);
  }

  @Authorized()
  @Mutation(() => Organisation, {
    description: 'Adds an organisation. CONFLICT with reason DOMAIN_TAKEN when another of yours has the domain.',
  })
  createOrganisation(
    @Arg('input') input: CreateOrganisationInput,
    @Ctx() { user, services }: Context,
  ): Promise<Organisation> {
    return services.organisations.create(user!, input);
  }

  @Authorized()
  @Mutation(() => Organisation, {
    description: 'Edits an organisation: only the fields given change; DOMAIN_TAKEN as for createOrganisation.',
  })
  updateOrganisation(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateOrganisationInput,
    @Ctx() { user, services }: Context,
  ): Promise<Organisation> {
    return services.organisations.update(user!, id, input);
  }

  @Authorized()
  @Mutation(() => ID, { description: 'Deletes it; its contacts are kept, without an organisation. Returns the id.' })
  deleteOrganisation(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<string> {
    return services.organisations.delete(user!, id);
  }
}
