import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { Contact } from '../contacts/contact.entity';
import { Organisation } from '../organisations/organisation.entity';
import { AgendaItem } from './agenda-item.entity';
import { Meeting } from './meeting.entity';
import { meetingSelection, primeLoaders } from './meeting-page';
import {
  CancelMeetingInput,
  CompleteMeetingInput,
  MeetingFilter,
  MeetingSort,
  RescheduleMeetingInput,
  ScheduleMeetingInput,
  UpdateMeetingInput,
} from './meeting.inputs';

export const MeetingConnection = Connection(Meeting, 'Meeting');

@Resolver(() => Meeting)
export class MeetingResolver {
  @Authorized()
  @Query(() => MeetingConnection, { description: 'Your meetings, soonest first unless sorted otherwise.' })
  async meetings(
    @Args() page: PageArgs,
    @Arg('filter', () => MeetingFilter, { nullable: true }) filter: MeetingFilter | null,
    @Arg('sort', () => MeetingSort, { defaultValue: MeetingSort.STARTS_AT_ASC }) sort: MeetingSort,
    @Ctx() { user, services, loaders }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Meeting>> {
    // Look ahead: read only the columns the client selected, and join its to-one relations.
    const result = await services.meetings.list(user!, filter ?? {}, page, sort, meetingSelection(info));
    primeLoaders(
      result.edges.map((e) => e.node),
      loaders,
    );
    return result;
  }

  @Authorized()
  @Query(() => Meeting, { nullable: true, description: 'null when it does not exist or is not yours.' })
  meeting(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context): Promise<Meeting | null> {
    // The request's loader: scoped to the user, and shared with every other read of it.
    return loaders.meeting.load(id);
  }

  @Authorized()
  @Mutation(() => Meeting, {
    description:
      'Plans an informational interview. Overlaps are refused (CONFLICT, reason OVERLAP) unless allowOverlap. ' +
      'The contact moves to SCHEDULED from IDENTIFIED, REQUESTED or NURTURING; a MET or FOLLOWED_UP contact keeps ' +
      'their stage (a second conversation does not undo the first); a DECLINED contact is refused (CONFLICT, reason ' +
      'CONTACT_DECLINED) unless reopenDeclined, which moves them to SCHEDULED. Select contact { stage } to see it.',
  })
  scheduleMeeting(@Arg('input') input: ScheduleMeetingInput, @Ctx() { user, services }: Context): Promise<Meeting> {
    return services.meetings.schedule(user!, input);
  }

  @Authorized()
  @Mutation(() => Meeting, {
    description:
      'Edits the title, place, notes, emails wanted or (scheduled meetings only, CONFLICT INVALID_STATUS otherwise) the agenda; only the fields given change.',
  })
  updateMeeting(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateMeetingInput,
    @Ctx() { user, services }: Context,
  ): Promise<Meeting> {
    return services.meetings.update(user!, id, input);
  }

  @Authorized()
  @Mutation(() => Meeting, { description: 'Moves a scheduled meeting; overlaps are refused unless allowOverlap.' })
  rescheduleMeeting(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: RescheduleMeetingInput,
    @Ctx() { user, services }: Context,
  ): Promise<Meeting> {
    return services.meetings.reschedule(user!, id, input);
  }

  @Authorized()
  @Mutation(() => Meeting, {
    description:
      'Cancels a scheduled meeting and its pending emails; input may be left out. A contact left with no scheduled meeting goes back to REQUESTED.',
  })
  cancelMeeting(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => CancelMeetingInput, { defaultValue: {} }) input: CancelMeetingInput,
    @Ctx() { user, services }: Context,
  ): Promise<Meeting> {
    return services.meetings.cancel(user!, id, input.reason);
  }

  @Authorized()
  @Mutation(() => Meeting, { description: 'The debrief: marks the meeting completed and records what was learned.' })
  completeMeeting(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => CompleteMeetingInput, { defaultValue: {} }) input: CompleteMeetingInput,
    @Ctx() { user, services }: Context,
  ): Promise<Meeting> {
    return services.meetings.complete(user!, id, input);
  }

  @Authorized()
  @Mutation(() => Meeting, {
    description:
      'Marks a scheduled meeting that has started as a no-show; its pending emails are cancelled. CONFLICT with reason INVALID_STATUS or NOT_STARTED otherwise.',
  })
  markNoShow(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<Meeting> {
    return services.meetings.markNoShow(user!, id);
  }

  // A page that joined the relation answers before this runs (joinedRelations in meetings.module.ts).
  @FieldResolver(() => Contact, { nullable: true, description: 'null if the contact was deleted (see contactName).' })
  contact(@Root() meeting: Meeting, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return meeting.contactId ? loaders.contact.load(meeting.contactId) : null;
  }

  // A page that joined the relation answers before this runs (joinedRelations in meetings.module.ts).
  @FieldResolver(() => Organisation, { nullable: true })
  organisation(@Root() meeting: Meeting, @Ctx() { loaders }: Context): Promise<Organisation | null> | null {
    return meeting.organisationId ? loaders.organisation.load(meeting.organisationId) : null;
  }

  @FieldResolver(() => [AgendaItem], { description: 'Questions in agenda order, with answers once debriefed.' })
  agenda(@Root() meeting: Meeting, @Ctx() { loaders }: Context): Promise<AgendaItem[]> {
    return loaders.agendaByMeeting.load(meeting.id);
  }

  @FieldResolver(() => [Contact], { description: 'People the contact suggested, added as new contacts.' })
  referrals(@Root() meeting: Meeting, @Ctx() { loaders }: Context): Promise<Contact[]> {
    return loaders.referralsByMeeting.load(meeting.id);
  }
}
