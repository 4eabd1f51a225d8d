import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { BackwardPageArgs, Connection, type Page } from '../../core/graphql/pagination';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Insight } from './insight.entity';
import { InsightFilter } from './insight.inputs';

export const InsightConnection = Connection(Insight, 'Insight');

@Resolver(() => Insight)
export class InsightResolver {
  @Authorized()
  @Query(() => InsightConnection, { description: 'What you learned, newest first; filter to compare organisations.' })
  insights(
    @Args() page: BackwardPageArgs,
    @Arg('filter', () => InsightFilter, { nullable: true }) filter: InsightFilter | null,
    @Ctx() { user, services }: Context,
  ): Promise<Page<Insight>> {
    return services.insights.insights(user!, filter ?? {}, page);
  }

  @FieldResolver(() => Meeting, {
    nullable: true,
    description: 'The meeting it was learned in; null if added on its own.',
  })
  meeting(@Root() insight: Insight, @Ctx() { loaders }: Context): Promise<Meeting | null> | null {
    return insight.meetingId ? loaders.meeting.load(insight.meetingId) : null;
  }

  @FieldResolver(() => Organisation, { nullable: true })
  organisation(@Root() insight: Insight, @Ctx() { loaders }: Context): Promise<Organisation | null> | null {
    return insight.organisationId ? loaders.organisation.load(insight.organisationId) : null;
  }

  @FieldResolver(() => Contact, { nullable: true })
  contact(@Root() insight: Insight, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return insight.contactId ? loaders.contact.load(insight.contactId) : null;
  }
}
