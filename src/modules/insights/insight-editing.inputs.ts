import { IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Label, LIMITS } from '../../core/inputs';
import { Topic } from '../questions/topic';

@InputType({
  description:
    'Something learned. Give at least one of meetingId (a completed meeting: its contact and organisation are the ' +
    'defaults), contactId (their organisation is the default) or organisationId.',
})
export class CreateInsightInput {
  @Field(() => Topic)
  category: Topic;

  @Field()
  @Label(LIMITS.notes)
  text: string;

  @Field(() => ID, { nullable: true })
  meetingId?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  organisationId?: string | null;
}

@InputType({
  description:
    'Only the fields given change; null clears contactId or organisationId (the meeting an insight came from stays).',
})
export class UpdateInsightInput {
  @Field(() => Topic, { nullable: true })
  category?: Topic | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(LIMITS.notes)
  text?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  organisationId?: string | null;
}
