import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import { CommitmentFilter, InsightFilter, UpdateCommitmentInput } from './insight.inputs';
import { JobLead } from './job-lead.entity';

export const InsightConnection = Connection(Insight, 'Insight');
export const CommitmentConnection = Connection(Commitment, 'Commitment');

@Resolver(() => Insight)
export class InsightResolver {
  @Authorized()
  @Query(() => InsightConnection, { description: 'What you learned, newest first; filter to compare organisations.' })
  insights(
    @Args() page: PageArgs,
    @Arg('filter', () => InsightFilter, { nullable: true }) filter: InsightFilter | null,
    @Ctx() { user, services }: Context,
  ): Promise<Page<Insight>> {
    return services.insights.insights(user!, filter ?? {}, page);
  }

  @Authorized()
  @Query(() => CommitmentConnection, { description: 'Promises from your meetings, soonest due first.' })
  commitments(
    @Args() page: PageArgs,
    @Arg('filter', () => CommitmentFilter, { nullable: true }) filter: CommitmentFilter | null,
    @Ctx() { user, services }: Context,
  ): Promise<Page<Commitment>> {
    return services.insights.commitments(user!, filter ?? {}, page);
  }

  @Authorized()
  @Mutation(() => Commitment, { description: 'Marks a promise done (or not), or edits it.' })
  updateCommitment(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateCommitmentInput,
    @Ctx() { user, services }: Context,
  ): Promise<Commitment> {
    return services.insights.updateCommitment(user!, id, input);
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

@Resolver(() => Commitment)
export class CommitmentFieldsResolver {
  @FieldResolver(() => Meeting, { nullable: true })
  meeting(@Root() commitment: Commitment, @Ctx() { loaders }: Context): Promise<Meeting | null> {
    return loaders.meeting.load(commitment.meetingId);
  }

  @FieldResolver(() => Contact, { nullable: true })
  contact(@Root() commitment: Commitment, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return commitment.contactId ? loaders.contact.load(commitment.contactId) : null;
  }
}

@Resolver(() => JobLead)
export class JobLeadFieldsResolver {
  @FieldResolver(() => Meeting, { nullable: true })
  meeting(@Root() lead: JobLead, @Ctx() { loaders }: Context): Promise<Meeting | null> {
    return loaders.meeting.load(lead.meetingId);
  }

  @FieldResolver(() => Organisation, { nullable: true })
  organisation(@Root() lead: JobLead, @Ctx() { loaders }: Context): Promise<Organisation | null> | null {
    return lead.organisationId ? loaders.organisation.load(lead.organisationId) : null;
  }

  @FieldResolver(() => Contact, { nullable: true })
  contact(@Root() lead: JobLead, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return lead.contactId ? loaders.contact.load(lead.contactId) : null;
  }
}
