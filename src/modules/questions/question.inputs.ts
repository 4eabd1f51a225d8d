import { IsOptional } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { Label, LIMITS, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { Topic } from './topic';

export const QUESTION_TEXT_MAX = 1000;

@InputType()
export class CreateQuestionInput {
  @Field(() => Topic)
  category: Topic;

  @Field({ description: `1 to ${QUESTION_TEXT_MAX} characters, on one line; stored trimmed.` })
  @Label(QUESTION_TEXT_MAX)
  text: string;
}

@InputType({ description: 'Only the fields given change; neither can be cleared with null.' })
export class UpdateQuestionInput {
  @Field(() => Topic, { nullable: true })
  category?: Topic | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(QUESTION_TEXT_MAX)
  text?: string | null;
}

@InputType()
export class QuestionFilter {
  @Field(() => Topic, { nullable: true })
  category?: Topic | null;

  @Field(() => String, { nullable: true, description: 'Words matched (partially, any case) in the text.' })
  @IsOptional()
  @Label(LIMITS.shortText)
  search?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only the seeded defaults (edited or not); false: only your own.',
  })
  isDefault?: boolean | null;

  @Field(() => Date, { nullable: true, description: UPDATED_SINCE_DESCRIPTION })
  updatedSince?: Date | null;
}
