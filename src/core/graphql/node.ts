import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay's Node: an object a client cache can refetch with `node(id)`. Ids are UUIDs, unique
 * across every table, so an id alone names one object of one type.
 */
@InterfaceType('Node', { description: 'An object with a global id: `node(id)` refetches it.' })
export abstract class Node {
  @Field(() => ID)
  id: string;
}
