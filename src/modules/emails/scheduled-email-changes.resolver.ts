import { Authorized, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { ownChannel } from '../../core/live/live-events';
import { EmailStatus } from './email-kind';
import { MAX_CHANGES_PER_EVENT, SCHEDULED_EMAIL_CHANGED, type ScheduledEmailChangedPayload } from './email-status-feed';

@ObjectType({ description: 'A scheduled email and the status it now has.' })
export class ScheduledEmailStatusChange {
  @Field(() => ID)
  id: string;

  @Field(() => EmailStatus)
  status: EmailStatus;
}

@ObjectType({ description: 'Scheduled emails of yours whose status changed (planned, sent, failed, cancelled…).' })
export class ScheduledEmailChange {
  @Field(() => [ScheduledEmailStatusChange], {
    description: `The emails and their new status, at most ${MAX_CHANGES_PER_EVENT} (see truncated).`,
  })
  emails: ScheduledEmailStatusChange[];

  @Field({ description: 'More emails changed at once than are listed: refetch scheduledEmails.' })
  truncated: boolean;

  @Field(() => Date, { description: 'When the change was announced.' })
  at: Date;
}

@Resolver()
export class ScheduledEmailChangesResolver {
  @Authorized()
  @Subscription(() => ScheduledEmailChange, {
    description:
      'Your scheduled emails changing status, whichever process changed them (the worker sends). Over WebSocket (graphql-ws); see docs/clients.md.',
    topics: SCHEDULED_EMAIL_CHANGED,
    topicId: ownChannel,
  })
  scheduledEmailChanged(@Root() event: ScheduledEmailChangedPayload): ScheduledEmailChange {
    return { emails: event.emails, truncated: event.truncated, at: new Date(event.at) };
  }
}
