import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import { JobLead } from './job-lead.entity';

// The insights feature's parts of the Meeting, Contact and Organisation types.

@Resolver(() => Meeting)
export class MeetingInsightsResolver {
  @FieldResolver(() => [Insight])
  insights(@Root() meeting: Meeting, @Ctx() { loaders }: Context): Promise<Insight[]> {
    return loaders.insightsByMeeting.load(meeting.id);
  }

  @FieldResolver(() => [Commitment], { description: 'Promises made in this meeting.' })
  commitments(@Root() meeting: Meeting, @Ctx() { loaders }: Context): Promise<Commitment[]> {
    return loaders.commitmentsByMeeting.load(meeting.id);
  }

  @FieldResolver(() => [JobLead])
  jobLeads(@Root() meeting: Meeting, @Ctx() { loaders }: Context): Promise<JobLead[]> {
    return loaders.jobLeadsByMeeting.load(meeting.id);
  }
}

@Resolver(() => Contact)
export class ContactInsightsResolver {
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
export class OrganisationInsightsResolver {
  @FieldResolver(() => [Insight], { description: 'Everything learned about this organisation.' })
  insights(@Root() org: Organisation, @Ctx() { loaders }: Context): Promise<Insight[]> {
    return loaders.insightsByOrganisation.load(org.id);
  }

  @FieldResolver(() => [JobLead])
  jobLeads(@Root() org: Organisation, @Ctx() { loaders }: Context): Promise<JobLead[]> {
    return loaders.jobLeadsByOrganisation.load(org.id);
  }
}
