import { IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Label, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { CommitmentOwner } from './commitment.entity';
import { LocalDate } from '../../core/graphql/calendar.scalars';

@InputType()
export class CommitmentFilter {
  @Field(() => Boolean, { nullable: true })
  done?: boolean | null;

  @Field(() => CommitmentOwner, { nullable: true })
  owner?: CommitmentOwner | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => Date, { nullable: true, description: UPDATED_SINCE_DESCRIPTION })
  updatedSince?: Date | null;
}

@InputType({ description: 'A promise recorded on its own, or added to a meeting after its debrief.' })
export class CreateCommitmentInput {
  @Field()
  @Label(1000)
  description: string;

  @Field(() => CommitmentOwner, { nullable: true, description: 'Who promised; defaults to ME.' })
  owner?: CommitmentOwner | null;

  @Field(() => LocalDate, { nullable: true, description: 'Due date, in your time zone.' })
  @IsOptional()
  dueOn?: string | null;

  @Field(() => ID, { nullable: true, description: 'Who it is owed to or by; defaults to the meeting’s contact.' })
  contactId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The meeting it was made in (one of yours).' })
  meetingId?: string | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateCommitmentInput {
  @Field(() => Boolean, { nullable: true })
  done?: boolean | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(1000)
  description?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Due date; null clears it.' })
  @IsOptional()
  dueOn?: string | null;

  @Field(() => ID, { nullable: true, description: 'Null clears it.' })
  contactId?: string | null;
}
