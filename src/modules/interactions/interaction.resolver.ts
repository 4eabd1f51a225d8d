import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { relationNotFound } from '../../core/errors';
import type { LoadersOf } from '../../core/graphql/loaders';
import { BackwardPageArgs, type Page } from '../../core/graphql/pagination';
import { prefetchPage } from '../../core/graphql/prefetch';
import type { TimelinePageRead, timelineFirstPages } from './interaction-timeline';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Interaction, InteractionConnection } from './interaction.types';

@Resolver(() => Interaction)
export class InteractionResolver {
  @Authorized()
  @Query(() => InteractionConnection, {
    description:
      'A contact’s timeline, newest first: meetings, emails Rapport sent them, outreach and interactions you logged. ' +
      'NOT_FOUND (contactId) when the contact is not yours.',
  })
  async interactions(
    @Arg('contactId', () => ID) contactId: string,
    @Args() page: BackwardPageArgs,
    @Ctx() { user, loaders, services }: Context,
  ): Promise<Page<Interaction>> {
    const contact = await loaders.contact.load(contactId);
    if (!contact) throw relationNotFound('contactId', 'Contact');
    return services.interactions.timeline(user!, contact.id, page);
  }

  @FieldResolver(() => Meeting, {
    nullable: true,
    description: 'The meeting (MEETING), or the one a thank-you or follow-up was about.',
  })
  meeting(@Root() entry: Interaction, @Ctx() { loaders }: Context): Promise<Meeting | null> | null {
    return entry.meetingId ? loaders.meeting.load(entry.meetingId) : null;
  }
}

/** Contact.interactions's first page, read inside `contact(id)`'s statement: the page the field asks below. */
export const contactInteractionsPrefetch = prefetchPage(
  (loaders: LoadersOf<{ interactionFirstPages: typeof timelineFirstPages }>) => loaders.interactionFirstPages,
  (args): TimelinePageRead | null =>
    args.after != null || args.before != null || args.last != null ? null : { first: args.first as number | null },
);

/** The timeline as a field of Contact. */
@Resolver(() => Contact)
export class ContactInteractionsResolver {
  @FieldResolver(() => InteractionConnection, { description: 'This contact’s timeline, newest first.' })
  interactions(
    @Root() contact: Contact,
    @Args() page: BackwardPageArgs,
    @Ctx() { user, loaders, services }: Context,
  ): Promise<Page<Interaction>> {
    // First pages of every contact of a list are read together; a later page, or one read
    // backward, reads on its own.
    if (!page.after && !page.before && page.last == null) return loaders.interactionFirstPages(contact.id, page.first);
    return services.interactions.timeline(user!, contact.id, page);
  }
}
