import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import type { LoadersOf } from '../../core/graphql/loaders';
import { PageArgs, type Page } from '../../core/graphql/pagination';
import { prefetchPage } from '../../core/graphql/prefetch';
import { Contact } from '../contacts/contact.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Meeting } from './meeting.entity';
import { MeetingSort } from './meeting.inputs';
import { meetingSelection } from './meeting-page';
import type { meetingLoaders } from './meeting.loaders';
import { MeetingConnection } from './meeting.resolver';
import { meetingOrder } from './meeting.service';

/** Contact.meetings's first page, read inside `contact(id)`'s statement: the page the field asks below. */
export const contactMeetingsPrefetch = prefetchPage(
  (loaders: LoadersOf<typeof meetingLoaders>) => loaders.meetingPagesByContact,
  (args) =>
    args.after
      ? null
      : { page: { first: args.first as number | null }, order: meetingOrder(MeetingSort.STARTS_AT_DESC) },
);

/** A contact's meetings: the meetings feature's part of the Contact type. */
@Resolver(() => Contact)
export class ContactMeetingsResolver {
  @FieldResolver(() => MeetingConnection, { description: 'Meetings with this contact, latest first.' })
  meetings(
    @Root() contact: Contact,
    @Args() page: PageArgs,
    @Ctx() { user, services, loaders }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Meeting>> {
    // First pages of every contact in the parent list are read together (one statement per
    // level); a later page goes through the meetings list, from the same cursors.
    if (!page.after) {
      return loaders.meetingPagesByContact(contact.id, page.first, meetingOrder(MeetingSort.STARTS_AT_DESC));
    }
    const selection = meetingSelection(info);
    return services.meetings.list(user!, { contactId: contact.id }, page, MeetingSort.STARTS_AT_DESC, selection);
  }
}

/** An organisation's meetings: the meetings feature's part of the Organisation type. */
@Resolver(() => Organisation)
export class OrganisationMeetingsResolver {
  @FieldResolver(() => MeetingConnection, { description: 'Meetings about this organisation, latest first.' })
  meetings(
    @Root() org: Organisation,
    @Args() page: PageArgs,
    @Ctx() { user, services, loaders }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Meeting>> {
    if (!page.after) {
      return loaders.meetingPagesByOrganisation(org.id, page.first, meetingOrder(MeetingSort.STARTS_AT_DESC));
    }
    const selection = meetingSelection(info);
    return services.meetings.list(user!, { organisationId: org.id }, page, MeetingSort.STARTS_AT_DESC, selection);
  }
}
