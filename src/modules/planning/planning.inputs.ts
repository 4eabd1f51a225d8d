import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { Label, LIMITS } from '../../core/inputs';
import { LocalDate } from '../../core/graphql/calendar.scalars';

/** The longest range suggestMeetingSlots plans over, in days (both ends included). */
export const SLOT_RANGE_MAX_DAYS = 31;

@InputType({ description: 'A range of days to plan meetings in, and what each meeting needs.' })
export class SuggestMeetingSlotsInput {
  @Field(() => LocalDate, { description: 'First day, in your time zone.' })
  from: string;

  @Field(() => LocalDate, { description: `Last day (included); at most ${SLOT_RANGE_MAX_DAYS} days from \`from\`.` })
  to: string;

  @Field(() => Int, { description: 'At most this many slots a day, 1 to 10.' })
  @IsInt()
  @Min(1)
  @Max(10)
  perDay: number;

  @Field(() => Int, { description: 'Length of each meeting, 15 to 480 minutes.' })
  @IsInt()
  @Min(15)
  @Max(480)
  durationMinutes: number;

  @Field(() => Int, {
    description: 'Minutes kept free before and after every meeting (booked or suggested), 0 to 240.',
  })
  @IsInt()
  @Min(0)
  @Max(240)
  bufferMinutes: number;

  @Field(() => String, {
    nullable: true,
    description:
      'Where these meetings will be. A booked meeting at another known place gets twice the buffer (time to travel).',
  })
  @IsOptional()
  @Label(LIMITS.shortText)
  location?: string | null;
}
