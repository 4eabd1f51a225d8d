import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { JobLead, JobLeadStatusChange } from './job-lead.entity';
import { CreateJobLeadInput, JobLeadFilter, JobLeadSort, UpdateJobLeadInput } from './job-lead.inputs';

export const JobLeadConnection = Connection(JobLead, 'JobLead');

@Resolver(() => JobLead)
export class JobLeadResolver {
  @Authorized()
  @Query(() => JobLeadConnection, { description: 'Openings you pursue; soonest deadline first unless sorted.' })
  jobLeads(
    @Args() page: PageArgs,
    @Arg('filter', () => JobLeadFilter, { nullable: true }) filter: JobLeadFilter | null,
    @Arg('sort', () => JobLeadSort, { nullable: true }) sort: JobLeadSort | null,
    @Ctx() { user, services }: Context,
  ): Promise<Page<JobLead>> {
    return services.jobLeads.jobLeads(user!, filter ?? {}, sort ?? JobLeadSort.DEADLINE_ASC, page);
  }

  @Authorized()
  @Mutation(() => JobLead, { description: 'Records a lead, on its own or in a meeting (after its debrief too).' })
  createJobLead(@Arg('input') input: CreateJobLeadInput, @Ctx() { user, services }: Context): Promise<JobLead> {
    return services.jobLeads.create(user!, input);
  }

  @Authorized()
  @Mutation(() => JobLead, { description: 'Edits a lead or moves it along the pipeline.' })
  updateJobLead(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateJobLeadInput,
    @Ctx() { user, services }: Context,
  ): Promise<JobLead> {
    return services.jobLeads.update(user!, id, input);
  }

  @Authorized()
  @Mutation(() => ID, { description: 'Removes a lead (and its pending deadline reminder). Returns the id.' })
  deleteJobLead(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<string> {
    return services.jobLeads.delete(user!, id);
  }

  @FieldResolver(() => Meeting, { nullable: true })
  meeting(@Root() lead: JobLead, @Ctx() { loaders }: Context): Promise<Meeting | null> | null {
    return lead.meetingId ? loaders.meeting.load(lead.meetingId) : null;
  }

  @FieldResolver(() => Organisation, { nullable: true })
  organisation(@Root() lead: JobLead, @Ctx() { loaders }: Context): Promise<Organisation | null> | null {
    return lead.organisationId ? loaders.organisation.load(lead.organisationId) : null;
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'Who told you of it.' })
  contact(@Root() lead: JobLead, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return lead.contactId ? loaders.contact.load(lead.contactId) : null;
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact who referred you for it.' })
  referredBy(@Root() lead: JobLead, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return lead.referredById ? loaders.contact.load(lead.referredById) : null;
  }

  @FieldResolver(() => [JobLeadStatusChange], { description: 'Every status it entered, oldest first.' })
  statusHistory(@Root() lead: JobLead): JobLeadStatusChange[] {
    return (lead.statusHistory ?? []).map((s) => ({ status: s.status, at: new Date(s.at) }));
  }
}
