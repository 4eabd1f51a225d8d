import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { ValidationError } from '../../core/errors';
import { Node } from '../../core/graphql/node';

/** How many ids one `nodes` call takes. */
export const MAX_NODE_IDS = 100;

@Resolver()
export class NodeResolver {
  @Authorized()
  @Query(() => Node, {
    nullable: true,
    description: 'Any of your objects by its id, whatever its type; null when it does not exist or is not yours.',
  })
  node(@Arg('id', () => ID) id: string, @Ctx() { loaders }: Context): Promise<object | null> {
    return loaders.nodeById.load(id);
  }

  @Authorized()
  @Query(() => [Node], {
    nullable: 'items',
    description: `Your objects by id (at most ${MAX_NODE_IDS}), in the order asked; null for each id that does not exist or is not yours.`,
  })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() { loaders }: Context): Promise<(object | null)[]> {
    if (ids.length > MAX_NODE_IDS) throw ValidationError.field('ids', `takes at most ${MAX_NODE_IDS} ids`);
    const found = await loaders.nodeById.loadMany(ids);
    return found.map((node) => (node instanceof Error ? null : node));
  }
}
