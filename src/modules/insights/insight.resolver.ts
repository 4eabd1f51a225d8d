import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/graphql/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { Contact } from '../contacts/contact.entity';
import { MeetingSort } from '../meetings/meeting.inputs';
import { MeetingConnection } from '../meetings/meeting.resolver';
import { Meeting } from '../meetings/meeting.entity';
import { meetingSelection } from '../meetings/meeting-page';
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

  @FieldResolver(() => Meeting, { nullable: true })
  meeting(@Root() insight: Insight, @Ctx() { loaders }: Context): Promise<Meeting | null> {
    return loaders.meeting.load(insight.meetingId);
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

/** What contacts and organisations gathered through meetings. */
@Resolver(() => Contact)
export class ContactHistoryResolver {
  @FieldResolver(() => MeetingConnection, { description: 'Meetings with this contact, latest first.' })
  meetings(
    @Root() contact: Contact,
    @Args() page: PageArgs,
    @Ctx() { user, services }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Meeting>> {
    const selection = meetingSelection(info);
    return services.meetings.list(user!, { contactId: contact.id }, page, MeetingSort.STARTS_AT_DESC, selection);
  }

  @FieldResolver(() => [Insight])
  insights(@Root() contact: Contact, @Ctx() { loaders }: Context): Promise<Insight[]> {
    return loaders.insightsByContact.load(contact.id);
  }

  @FieldResolver(() => [Commitment], { description: 'Promises between you and this contact.' })
  commitments(@Root() contact: Contact, @Ctx() { loaders }: Context): Promise<Commitment[]> {
    return loaders.commitmentsByContact.load(contact.id);
  }
}

@Resolver(() => Organisation)
export class OrganisationHistoryResolver {
  @FieldResolver(() => MeetingConnection, { description: 'Meetings about this organisation, latest first.' })
  meetings(
    @Root() org: Organisation,
    @Args() page: PageArgs,
    @Ctx() { user, services }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Meeting>> {
    const selection = meetingSelection(info);
    return services.meetings.list(user!, { organisationId: org.id }, page, MeetingSort.STARTS_AT_DESC, selection);
  }

  @FieldResolver(() => [Insight], { description: 'Everything learned about this organisation.' })
  insights(@Root() org: Organisation, @Ctx() { loaders }: Context): Promise<Insight[]> {
    return loaders.insightsByOrganisation.load(org.id);
  }

  @FieldResolver(() => [JobLead])
  jobLeads(@Root() org: Organisation, @Ctx() { loaders }: Context): Promise<JobLead[]> {
    return loaders.jobLeadsByOrganisation.load(org.id);
  }
}
