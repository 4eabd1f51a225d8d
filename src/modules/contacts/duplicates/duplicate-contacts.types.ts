import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Contact } from '../contact.entity';

export enum DuplicateReason {
  SAME_EMAIL = 'SAME_EMAIL',
  SAME_LINKEDIN_URL = 'SAME_LINKEDIN_URL',
  SIMILAR_NAME_SAME_ORGANISATION = 'SIMILAR_NAME_SAME_ORGANISATION',
}
registerEnumType(DuplicateReason, {
  name: 'DuplicateReason',
  description:
    'Why two contacts look like one person: the same email (case aside), the same LinkedIn profile (URL normalised), or at one organisation the same name or the same last name and first initial.',
});

@ObjectType({ description: 'Two of your contacts that may be one person; merge them with mergeContacts.' })
export class DuplicateContactPair {
  @Field(() => Contact, { description: 'The older of the two.' })
  contact: Contact;

  @Field(() => Contact)
  duplicate: Contact;

  @Field(() => DuplicateReason, { description: 'The strongest reason when there are several.' })
  reason: DuplicateReason;
}

@ObjectType()
export class DuplicateContactPage {
  @Field(() => [DuplicateContactPair])
  pairs: DuplicateContactPair[];

  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor: string | null;
}

@InputType()
export class DismissDuplicateContactsInput {
  @Field(() => ID)
  contactId: string;

  @Field(() => ID, { description: 'Another of your contacts.' })
  otherContactId: string;
}

@InputType()
export class MergeContactsInput {
  @Field(() => ID, { description: 'The contact that stays.' })
  keepId: string;

  @Field(() => ID, { description: 'The contact merged into keepId and then deleted.' })
  mergeId: string;
}
