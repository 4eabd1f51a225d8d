import { Authorized, Ctx, Field, FieldResolver, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { ownChannel } from '../../core/live/live-events';
import type { Context } from '../../app/context';
import { MEETING_CHANGED, MeetingChangeKind, type MeetingChangedPayload } from './meeting-changes';
import { Meeting } from './meeting.entity';

@ObjectType({ description: 'A meeting of yours that was scheduled or changed, from any device or session.' })
export class MeetingChange {
  @Field(() => ID)
  meetingId: string;

  @Field(() => MeetingChangeKind)
  change: MeetingChangeKind;

  @Field(() => Date, { description: 'When the change was committed.' })
  at: Date;
}

@Resolver(() => MeetingChange)
export class MeetingChangesResolver {
  @Authorized()
  @Subscription(() => MeetingChange, {
    description:
      'Your meetings being scheduled, updated, rescheduled, cancelled or completed. Over WebSocket (graphql-ws).',
    topics: MEETING_CHANGED,
    topicId: ownChannel,
  })
  meetingChanged(@Root() event: MeetingChangedPayload): MeetingChange {
    return { meetingId: event.meetingId, change: event.change, at: new Date(event.at) };
  }

  @FieldResolver(() => Meeting, {
    nullable: true,
    description: 'The meeting as it is when the event is delivered; null if it no longer exists.',
  })
  meeting(@Root() change: MeetingChange, @Ctx() { loaders }: Context): Promise<Meeting | null> {
    // Each event has a context of its own, so this read is fresh (core/live/live-server.ts).
    return loaders.meeting.load(change.meetingId);
  }
}
