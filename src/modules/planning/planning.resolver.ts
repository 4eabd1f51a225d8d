import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { SuggestMeetingSlotsInput } from './planning.inputs';
import { MeetingSlotDay } from './planning.types';

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
}
