import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { CreateInsightInput, UpdateInsightInput } from './insight-editing.inputs';
import { Insight } from './insight.entity';

/** Insights added, corrected and removed after a debrief. */
@Resolver(() => Insight)
export class InsightEditingResolver {
  @Authorized()
  @Mutation(() => Insight, {
    description:
      'Adds something learned: to a completed meeting (CONFLICT otherwise), a contact or an organisation. ' +
      'NOT_FOUND names the id that is not yours.',
  })
  createInsight(@Arg('input') input: CreateInsightInput, @Ctx() { user, services }: Context): Promise<Insight> {
    return services.insightEditing.create(user!, input);
  }

  @Authorized()
  @Mutation(() => Insight, { description: 'Corrects an insight: its category, text, contact or organisation.' })
  updateInsight(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateInsightInput,
    @Ctx() { user, services }: Context,
  ): Promise<Insight> {
    return services.insightEditing.update(user!, id, input);
  }

  @Authorized()
  @Mutation(() => ID, { description: 'Removes an insight. Returns its id.' })
  deleteInsight(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<string> {
    return services.insightEditing.delete(user!, id);
  }
}
