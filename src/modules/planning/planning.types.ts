import { Field, Float, Int, ObjectType } from 'type-graphql';
import { FunnelStepName } from './funnel';
import { LocalDate } from '../../core/graphql/calendar.scalars';

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
  @Field(() => LocalDate, { description: 'The day, in your time zone.' })
  date: string;

  @Field(() => [MeetingSlot], { description: 'Earliest first; empty when the day is full.' })
  slots: MeetingSlot[];
}

@ObjectType({ description: 'One step of the funnel.' })
export class FunnelStep {
  @Field(() => FunnelStepName)
  step: FunnelStepName;

  @Field(() => Int)
  count: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'count divided by the step before’s count over the same window (it can exceed 1: one meeting can bring ' +
      'several referrals); null for the first step and when the step before counted 0.',
  })
  conversionRate: number | null;
}

@ObjectType({ description: 'How a job search converts from step to step over a window of time.' })
export class Funnel {
  @Field(() => Date)
  from: Date;

  @Field(() => Date)
  to: Date;

  @Field(() => [FunnelStep], { description: 'In funnel order, contacts added first.' })
  steps: FunnelStep[];
}

@ObjectType({ description: 'Meetings held in one ISO week (Monday to Sunday, in your time zone).' })
export class WeekProgress {
  @Field(() => LocalDate, { description: 'The Monday it starts on.' })
  weekStart: string;

  @Field({ description: 'ISO week, e.g. 2026-W49.' })
  isoWeek: string;

  @Field(() => Int, { description: 'Meetings marked completed that started in the week.' })
  meetingsHeld: number;

  @Field({ description: 'meetingsHeld reached the goal (never, when the goal is 0).' })
  goalMet: boolean;
}

@ObjectType({ description: 'Your meetings per week against your weekly goal.' })
export class WeeklyProgress {
  @Field(() => Int, { description: 'Your weeklyMeetingGoal (0: no goal).' })
  goal: number;

  @Field(() => Int, {
    description:
      'Weeks in a row meeting the goal, counting back from last week, plus this week once it is met (up to 520).',
  })
  streak: number;

  @Field(() => WeekProgress, { description: 'The week under way.' })
  thisWeek: WeekProgress;

  @Field(() => [WeekProgress], { description: 'The weeks asked for, oldest first, ending with this week.' })
  weeks: WeekProgress[];
}
