import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { EmailEvent } from './email-event.entity';
import { ScheduledEmail } from './scheduled-email.entity';
import { ScheduledEmailFilter, ScheduledEmailSort, UpdateScheduledEmailInput } from './scheduled-email.inputs';

export const ScheduledEmailConnection = Connection(ScheduledEmail, 'ScheduledEmail');

@Resolver(() => ScheduledEmail)
export class ScheduledEmailResolver {
  @Authorized()
  @Query(() => ScheduledEmailConnection, { description: 'Your planned and sent emails, next due first.' })
  scheduledEmails(
    @Args() page: PageArgs,
    @Arg('filter', () => ScheduledEmailFilter, { nullable: true }) filter: ScheduledEmailFilter | null,
    @Arg('sort', () => ScheduledEmailSort, { defaultValue: ScheduledEmailSort.SEND_AT_ASC }) sort: ScheduledEmailSort,
    @Ctx() { user, services }: Context,
  ): Promise<Page<ScheduledEmail>> {
    return services.scheduledEmails.list(user!, filter ?? {}, page, sort);
  }

  @Authorized()
  @Query(() => ScheduledEmail, { nullable: true, description: 'null when it does not exist or is not yours.' })
  scheduledEmail(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<ScheduledEmail | null> {
    return services.scheduledEmails.get(user!, id);
  }

  @Authorized()
  @Mutation(() => ScheduledEmail, { description: 'Edits the subject, body or time of an email not yet sent.' })
  updateScheduledEmail(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateScheduledEmailInput,
    @Ctx() { user, services }: Context,
  ): Promise<ScheduledEmail> {
    return services.scheduledEmails.update(user!, id, input);
  }

  @Authorized()
  @Mutation(() => ScheduledEmail, { description: 'Cancels an email not yet sent; re-planning never revives it.' })
  cancelScheduledEmail(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<ScheduledEmail> {
    return services.scheduledEmails.cancel(user!, id);
  }

  @Authorized()
  @Mutation(() => ScheduledEmail, { description: 'Sends a pending email now instead of at its time.' })
  sendScheduledEmailNow(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<ScheduledEmail> {
    return services.scheduledEmails.sendNow(user!, id);
  }

  @Authorized()
  @Mutation(() => ScheduledEmail, {
    description:
      'Tries a FAILED or UNCERTAIN email again. For UNCERTAIN it may reach the recipient twice (same Message-ID).',
  })
  retryScheduledEmail(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<ScheduledEmail> {
    return services.scheduledEmails.retry(user!, id);
  }

  @FieldResolver(() => [EmailEvent], { description: 'Planned, moved, claimed, sent, retried… oldest first.' })
  history(@Root() email: ScheduledEmail, @Ctx() { loaders }: Context): Promise<EmailEvent[]> {
    return loaders.emailEvents.load(email.id);
  }

  @FieldResolver(() => Meeting, { nullable: true })
  meeting(@Root() email: ScheduledEmail, @Ctx() { loaders }: Context): Promise<Meeting | null> | null {
    return email.meetingId ? loaders.meeting.load(email.meetingId) : null;
  }

  @FieldResolver(() => Contact, { nullable: true })
  contact(@Root() email: ScheduledEmail, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return email.contactId ? loaders.contact.load(email.contactId) : null;
  }
}

@Resolver(() => Meeting)
export class MeetingEmailsResolver {
  @FieldResolver(() => [ScheduledEmail], { description: 'The emails planned for this meeting.' })
  scheduledEmails(@Root() meeting: Meeting, @Ctx() { loaders }: Context): Promise<ScheduledEmail[]> {
    return loaders.emailsByMeeting.load(meeting.id);
  }
}
