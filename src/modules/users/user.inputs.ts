import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { EmailKind, USER_REMINDERS } from '../emails/email-kind';
import { Field, InputType, Int } from 'type-graphql';
import { IsIanaTimeZone, IsSupportedLocale, NoControlCharacters } from '../../core/validation';
import { LocalEndTime, LocalTime } from '../../core/graphql/calendar.scalars';
import { Weekday } from './weekday';

@InputType({ description: 'Only the fields given are changed.' })
export class UpdateProfileInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100)
  @NoControlCharacters()
  name?: string;

  @Field({ nullable: true, description: 'IANA zone name, e.g. America/New_York.' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string;

  @Field({
    nullable: true,
    description:
      'BCP 47 locale for the dates and times in your emails, e.g. en-US or de-DE; stored in canonical form (en-us → en-US).',
  })
  @IsOptional()
  @IsSupportedLocale()
  locale?: string;

  @Field(() => LocalTime, { nullable: true, description: 'Local time; must be before sendingWindowEnd.' })
  @IsOptional()
  sendingWindowStart?: string;

  @Field(() => LocalEndTime, {
    nullable: true,
    description: 'Local time (24:00 for midnight); must be after sendingWindowStart.',
  })
  @IsOptional()
  sendingWindowEnd?: string;

  @Field(() => Int, { nullable: true, description: '0 to 10080 (one week).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_080)
  thankYouDelayMinutes?: number;

  @Field(() => Int, { nullable: true, description: '1 to 365.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  followUpDelayDays?: number;

  @Field(() => Int, { nullable: true, description: '1 to 336 (two weeks).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(336)
  prepReminderHoursBefore?: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Days after an outreach request before the no-answer nudge, 1 to 60.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  outreachNudgeDays?: number;

  @Field(() => [EmailKind], {
    nullable: true,
    description:
      'Reminders to switch off: any of PREP_REMINDER, KEEP_IN_TOUCH_DIGEST, OUTREACH_NUDGE, WEEKLY_DIGEST ([] turns all back on).',
  })
  @IsOptional()
  @ArrayMaxSize(USER_REMINDERS.size)
  @IsIn([...USER_REMINDERS], { each: true, message: 'only reminders to you can be switched off' })
  disabledReminders?: EmailKind[];

  @Field(() => Int, { nullable: true, description: '0 to 100.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  weeklyMeetingGoal?: number;

  @Field(() => LocalTime, {
    nullable: true,
    description: 'Local time your working day starts (meeting slots); before workingHoursEnd.',
  })
  @IsOptional()
  workingHoursStart?: string;

  @Field(() => LocalEndTime, {
    nullable: true,
    description: 'Local time (24:00 for midnight) your working day ends; after workingHoursStart.',
  })
  @IsOptional()
  workingHoursEnd?: string;

  @Field(() => [Weekday], { nullable: true, description: 'The days you take meetings on (at least one).' })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  workingDays?: Weekday[];

  @Field(() => Weekday, {
    nullable: true,
    description:
      'The day the weekly digest arrives on (choosing one also takes WEEKLY_DIGEST out of disabledReminders); ' +
      'null to stop it.',
  })
  @IsOptional()
  weeklyDigestWeekday?: Weekday | null;
}
