import { IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Label, LIMITS, Notes, WebUrl, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { Topic } from '../questions/topic';
import { CommitmentOwner } from './commitment.entity';
import { LocalDate } from '../../core/graphql/calendar.scalars';

@InputType()
export class InsightFilter {
  @Field(() => ID, { nullable: true })
  organisationId?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  meetingId?: string | null;

  @Field(() => Topic, { nullable: true })
  category?: Topic | null;

  @Field(() => String, {
    nullable: true,
    description: 'Insights about organisations of this industry, ignoring case and extra white space.',
  })
  @IsOptional()
  @Label(100)
  industry?: string | null;

  @Field(() => Date, { nullable: true, description: UPDATED_SINCE_DESCRIPTION })
  updatedSince?: Date | null;
}

// What a debrief records (see CompleteMeetingInput).

@InputType()
export class InsightInput {
  @Field(() => Topic)
  category: Topic;

  @Field()
  @Label(LIMITS.notes)
  text: string;
}

@InputType()
export class CommitmentInput {
  @Field(() => CommitmentOwner)
  owner: CommitmentOwner;

  @Field()
  @Label(1000)
  description: string;

  @Field(() => LocalDate, { nullable: true, description: 'Due date, in your time zone.' })
  @IsOptional()
  dueOn?: string | null;
}

@InputType()
export class JobLeadInput {
  @Field()
  @Label()
  title: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @WebUrl()
  @Notes(LIMITS.url)
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  notes?: string | null;

  @Field(() => ID, { nullable: true, description: 'Defaults to the meeting’s organisation.' })
  organisationId?: string | null;
}
