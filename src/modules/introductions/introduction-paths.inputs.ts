import { IsInt, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';

export const MAX_HOPS = 4;
export const MAX_PATHS = 50;

@InputType({ description: 'Exactly one of organisationId and contactId.' })
export class IntroductionTarget {
  @Field(() => ID, { nullable: true, description: 'Someone at this organisation (works or worked there).' })
  organisationId?: string | null;

  @Field(() => ID, { nullable: true, description: 'This contact.' })
  contactId?: string | null;
}

@ArgsType()
export class IntroductionPathsArgs {
  @Field(() => IntroductionTarget)
  to: IntroductionTarget;

  @Field(() => Int, { defaultValue: 3, description: `People in a chain at most, 1 to ${MAX_HOPS}.` })
  @IsInt()
  @Min(1)
  @Max(MAX_HOPS)
  maxHops: number = 3;

  @Field(() => Int, { defaultValue: 10, description: `Chains wanted, 1 to ${MAX_PATHS}.` })
  @IsInt()
  @Min(1)
  @Max(MAX_PATHS)
  first: number = 10;
}
