import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../../app/context';
import { Contact } from '../contact.entity';
import { DismissDuplicateContactsInput, DuplicateContactPage, MergeContactsInput } from './duplicate-contacts.types';

@Resolver()
export class ContactMergeResolver {
  @Authorized()
  @Query(() => DuplicateContactPage, {
    description: 'Pairs of your contacts that look like one person, with the reason; at most 100 a page.',
  })
  duplicateContacts(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { user, services }: Context,
  ): Promise<DuplicateContactPage> {
    return services.duplicateContacts.list(user!, first, after);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Says two contacts are different people: duplicateContacts stops suggesting the pair (idempotent). Deleting either contact forgets it; merging one into a third keeps it.',
  })
  dismissDuplicateContacts(
    @Arg('input') input: DismissDuplicateContactsInput,
    @Ctx() { user, services }: Context,
  ): Promise<boolean> {
    return services.duplicateContacts.dismiss(user!, input.contactId, input.otherContactId);
  }

  @Authorized()
  @Mutation(() => Contact, {
    description:
      "Moves every meeting, insight, promise, job lead, email and introduction of mergeId to keepId, fills keepId's empty fields from it and deletes it.",
  })
  mergeContacts(@Arg('input') input: MergeContactsInput, @Ctx() { user, services }: Context): Promise<Contact> {
    return services.contactMerge.merge(user!, input.keepId, input.mergeId);
  }
}
