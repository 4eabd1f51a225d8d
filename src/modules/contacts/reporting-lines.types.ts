import { Field, Int, ObjectType } from 'type-graphql';
import { Contact } from './contact.entity';

@ObjectType({ description: 'A person in an organisation’s chain of command, with who reports to them there.' })
export class PersonNode {
  @Field(() => Contact)
  contact: Contact;

  @Field(() => Int, { description: '0 for the top of a chain, 1 for who reports to them, …' })
  depth: number;

  @Field(() => [PersonNode], { description: 'Your contacts at this organisation who report to this person.' })
  reports: PersonNode[];
}

@ObjectType({ description: 'Your contacts at an organisation as a tree of who reports to whom.' })
export class OrganisationPeople {
  @Field(() => [PersonNode], {
    description: 'The tops of the chains: people whose manager is elsewhere or not recorded, by name.',
  })
  roots: PersonNode[];

  @Field(() => Int, { description: 'Your contacts at the organisation, in the tree or not.' })
  total: number;

  @Field({ description: 'Some people were left out: more than 500 at the organisation, or more than 10 levels deep.' })
  truncated: boolean;
}
