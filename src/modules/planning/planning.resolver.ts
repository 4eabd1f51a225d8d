import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { SuggestMeetingSlotsInput } from './planning.inputs';
import { Funnel, MeetingSlotDay, WeeklyProgress } from './planning.types';

@Resolver()
export class PlanningResolver {
  @Authorized()
  @Query(() => [MeetingSlotDay], {
    description:
      'Free slots for a week (up to 31 days) of interviews: inside your working hours and days, in your time zone, ' +
      'around your booked meetings and their buffers, at most perDay a day, earliest first, on a 15-minute grid.',
  })
  suggestMeetingSlots(
    @Arg('input') input: SuggestMeetingSlotsInput,
    @Ctx() { user, services }: Context,
  ): Promise<MeetingSlotDay[]> {
    return services.planning.suggestMeetingSlots(user!, input);
  }

  @Authorized()
  @Query(() => Funnel, {
    description:
      'Your search from contacts added to applications over [from, to), each step with its count and its rate from ' +
      'the step before (docs/network.md says what each step counts).',
  })
  funnel(
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() { user, services }: Context,
  ): Promise<Funnel> {
    return services.planning.funnel(user!, from, to);
  }

  @Authorized()
  @Query(() => WeeklyProgress, {
    description:
      'Meetings held per ISO week in your time zone over the last `weeks` weeks (1–52, default 8) against your ' +
      'weeklyMeetingGoal, and your current streak.',
  })
  weeklyProgress(
    @Arg('weeks', () => Int, { defaultValue: 8 }) weeks: number,
    @Ctx() { user, services }: Context,
  ): Promise<WeeklyProgress> {
    return services.planning.weeklyProgress(user!, weeks);
  }
}
