import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import { BackwardPageArgs, Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { Organisation } from '../organisations/organisation.entity';
import { Contact } from './contact.entity';
import { contactOrder } from './contact.service';
import { PEOPLE_TREE_LIMITS, type PeopleTree } from './reporting-lines';
import { OrganisationPeople } from './reporting-lines.types';
import { ContactFilter, ContactSort, CreateContactInput, UpdateContactInput } from './contact.inputs';

export const ContactConnection = Connection(Contact, 'Contact');

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized()
  @Query(() => ContactConnection, { description: 'Your contacts, a page at a time; search ranks by relevance.' })
  contacts(
    @Args() page: PageArgs,
    @Arg('filter', () => ContactFilter, { nullable: true }) filter: ContactFilter | null,
    @Arg('sort', () => ContactSort, { defaultValue: ContactSort.RELEVANCE_DESC }) sort: ContactSort,
    @Ctx() { user, services }: Context,
  ): Promise<Page<Contact>> {
    return services.contacts.list(user!, filter ?? {}, page, sort);
  }

  @Authorized()
  @Query(() => Contact, { nullable: true, description: 'null when it does not exist or is not yours.' })
  contact(
    @Arg('id', () => ID) id: string,
    @Ctx() { loaders, prefetch }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Contact | null> {
    // With the first pages selected under it (meetings, insights, its organisation's job leads…)
    // in one statement, handed to the loaders their fields ask; else the request's loader, scoped
    // to the user and shared with every other read of it.
    return prefetch.one(Contact, id, info, (contact) => loaders.contact.prime(id, contact)) ?? loaders.contact.load(id);
  }

  @Authorized()
  @Mutation(() => Contact, {
    description: 'Adds a contact. CONFLICT with reason EMAIL_TAKEN when another of your contacts has the email.',
  })
  createContact(@Arg('input') input: CreateContactInput, @Ctx() { user, services }: Context): Promise<Contact> {
    return services.contacts.create(user!, input);
  }

  @Authorized()
  @Mutation(() => Contact, {
    description:
      'Edits a contact: only the fields given change. A stage move the cycle does not allow is BAD_USER_INPUT with reason ILLEGAL_STAGE_TRANSITION; EMAIL_TAKEN as for createContact.',
  })
  updateContact(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateContactInput,
    @Ctx() { user, services }: Context,
  ): Promise<Contact> {
    return services.contacts.update(user!, id, input);
  }

  @Authorized()
  @Mutation(() => ID, { description: 'Deletes the contact; past meetings keep their notes. Returns the id.' })
  deleteContact(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<string> {
    return services.contacts.delete(user!, id);
  }

  // A meetings page that joined the relation answers before this runs (joinedRelations in meetings.module.ts).
  @FieldResolver(() => Organisation, { nullable: true })
  organisation(@Root() contact: Contact, @Ctx() { loaders }: Context): Promise<Organisation | null> | null {
    return contact.organisationId ? loaders.organisation.load(contact.organisationId) : null;
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'Who introduced you to this contact.' })
  introducedBy(@Root() contact: Contact, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return contact.introducedById ? loaders.contact.load(contact.introducedById) : null;
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'Who this contact reports to (their manager).' })
  reportsTo(@Root() contact: Contact, @Ctx() { loaders }: Context): Promise<Contact | null> | null {
    return contact.reportsToId ? loaders.contact.load(contact.reportsToId) : null;
  }

  @FieldResolver(() => ContactConnection, { description: 'Contacts this one introduced you to, by name.' })
  introductions(
    @Root() contact: Contact,
    @Args() page: BackwardPageArgs,
    @Ctx() { loaders }: Context,
  ): Promise<Page<Contact>> {
    // Batched per level; the cursors are the contacts list's (sort NAME_ASC, filter introducedById).
    return loaders.introductionPages(contact.id, page, contactOrder(ContactSort.NAME_ASC));
  }

  @FieldResolver(() => [Contact], {
    description: 'The introducers above this contact, nearest first: who to ask for an introduction.',
  })
  introductionChain(@Root() contact: Contact, @Ctx() { user, services }: Context): Promise<Contact[]> {
    return services.contacts.introductionChain(user!, contact.id);
  }
}

/** The contacts at an organisation: the contacts feature's part of the Organisation type. */
@Resolver(() => Organisation)
export class OrganisationContactsResolver {
  @FieldResolver(() => ContactConnection, { description: 'Your contacts at this organisation.' })
  contacts(
    @Root() org: Organisation,
    @Args() page: PageArgs,
    @Arg('sort', () => ContactSort, { defaultValue: ContactSort.NAME_ASC }) sort: ContactSort,
    @Ctx() { user, services, loaders }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Contact>> {
    // First pages of every organisation in the parent list are read together (one statement per
    // level), with the columns the selection needs; a later page goes through the list's own
    // path, from the same cursors.
    if (!page.after) return loaders.contactPagesByOrganisation(org.id, page.first, contactOrder(sort), info);
    return services.contacts.list(user!, { organisationId: org.id }, page, sort);
  }

  @FieldResolver(() => OrganisationPeople, {
    description: `Your contacts here as a chain of command (reportsTo), top down; at most ${PEOPLE_TREE_LIMITS.nodes} people and ${PEOPLE_TREE_LIMITS.depth} levels.`,
  })
  people(@Root() org: Organisation, @Ctx() { loaders }: Context): Promise<PeopleTree> {
    // Batched: a page of organisations with their people is one statement.
    return loaders.peopleByOrganisation.load(org.id);
  }
}
