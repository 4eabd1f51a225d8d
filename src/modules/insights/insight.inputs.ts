import { IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IsoDate, Label } from '../../core/inputs';
import { Topic } from '../questions/topic';
import { CommitmentOwner } from './commitment.entity';

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

  @Field(() => String, { nullable: true, description: 'Insights about organisations of this industry (any case).' })
  @IsOptional()
  @Label(100)
  industry?: string | null;
}

@InputType()
export class CommitmentFilter {
  @Field(() => Boolean, { nullable: true })
  done?: boolean | null;

  @Field(() => CommitmentOwner, { nullable: true })
  owner?: CommitmentOwner | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;
}

@InputType({ description: 'Only the fields given change.' })
export class UpdateCommitmentInput {
  @Field(() => Boolean, { nullable: true })
  done?: boolean | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(1000)
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null clears it.' })
  @IsOptional()
  @IsoDate()
  dueOn?: string | null;
}
