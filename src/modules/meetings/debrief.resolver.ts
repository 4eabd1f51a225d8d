import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { AgendaItem } from './agenda-item.entity';
import { SetAgendaAnswerInput } from './meeting.inputs';

/** Editing a debrief after completeMeeting (insights: see createInsight). */
@Resolver(() => AgendaItem)
export class DebriefResolver {
  @Authorized()
  @Mutation(() => AgendaItem, {
    description:
      'Notes, corrects or removes ("" clears it) the answer to a question on a scheduled or completed meeting’s ' +
      'agenda; CONFLICT for a cancelled or no-show meeting.',
  })
  setAgendaAnswer(@Arg('input') input: SetAgendaAnswerInput, @Ctx() { user, services }: Context): Promise<AgendaItem> {
    return services.debriefs.setAnswer(user!, input);
  }
}
