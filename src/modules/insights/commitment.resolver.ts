import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { asksTotalCount } from '../../core/graphql/selection';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Commitment } from './commitment.entity';
import { CommitmentFilter, CreateCommitmentInput, UpdateCommitmentInput } from './commitment.inputs';

export const CommitmentConnection = Connection(Commitment, 'Commitment');

@Resolver(() => Commitment)
export class CommitmentResolver {
  @Authorized()
  @Query(() => CommitmentConnection, { description: 'Promises, soonest due first.' })
  commitments(
    @Args() page: PageArgs,
    @Arg('filter', () => CommitmentFilter, { nullable: true }) filter: CommitmentFilter | null,
    @Ctx() { user, services }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Commitment>> {
    return services.commitments.commitments(user!, filter ?? {}, page, asksTotalCount(info));
  }

  @Authorized()
  @Mutation(() => Commitment, { description: 'Records a promise, on its own or in a meeting (after its debrief too).' })
  createCommitment(
    @Arg('input') input: CreateCommitmentInput,
    @Ctx() { user, services }: Context,
  ): Promise<Commitment> {
    return services.commitments.create(user!, input);
  }

  @Authorized()
  @Mutation(() => Commitment, { description: 'Marks a promise done (or not), or edits it.' })
  updateCommitment(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateCommitmentInput,
    @Ctx() { user, services }: Context,
  ): Promise<Commitment> {
    return services.commitments.update(user!, id, input);
  }

  @Authorized()
  @Mutation(() => ID, { description: 'Removes a promise (and its pending reminder). Returns the id.' })
  deleteCommitment(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<string> {
    return services.commitments.delete(user!, id);
  }

  @FieldResolver(() => Meeting, { nullable: true })
  meeting(@Root() commitment: Commitment, @Ctx() { loaders }: Context): Promise<Meeting | null> | null {
    return commitment.meetingId ? loaders.meeting.load(commitment.meetingId) : null;
  }

  @FieldResolver(() => Contact, { nullable: true })
  contact(@Root() commitment: Commitment, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return commitment.contactId ? loaders.contact.load(commitment.contactId) : null;
  }
}
