import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A free time for a meeting.' })
export class MeetingSlot {
  @Field(() => Date)
  startsAt: Date;

  @Field(() => Date)
  endsAt: Date;

  @Field(() => String, { nullable: true, description: 'The location asked for, if any.' })
  location: string | null;
}

@ObjectType({ description: 'The free slots of one working day.' })
export class MeetingSlotDay {
  @Field({ description: 'The day (YYYY-MM-DD) in your time zone.' })
  date: string;

  @Field(() => [MeetingSlot], { description: 'Earliest first; empty when the day is full.' })
  slots: MeetingSlot[];
}
