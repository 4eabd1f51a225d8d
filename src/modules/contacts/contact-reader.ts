import type { GraphQLResolveInfo } from 'graphql';
import type { DataSource } from 'typeorm';
import { EntityReader, type ColumnSet } from '../../core/db/entity-reader';
import { nodeFields } from '../../core/graphql/selection';
import { Contact } from './contact.entity';

/**
 * The columns each computed Contact field reads from its row (fields resolved from another table
 * read only the row's id or foreign key). A field missing here makes a read take whole rows.
 */
export const CONTACT_FIELDS = {
  fullName: ['firstName', 'lastName'],
  organisation: ['organisationId'],
  introducedBy: ['introducedById'],
  reportsTo: ['reportsToId'],
  introductions: ['id'],
  introductionChain: ['id'],
  interactions: ['id'],
  meetings: ['id'],
  insights: ['id'],
  commitments: ['id'],
} as const;

const readers = new WeakMap<DataSource, EntityReader<Contact>>();

/** The contact reader that knows CONTACT_FIELDS; built on first use (once the schema is). */
export function contactReader(ds: DataSource): EntityReader<Contact> {
  let reader = readers.get(ds);
  if (!reader) readers.set(ds, (reader = new EntityReader(ds, Contact, CONTACT_FIELDS)));
  return reader;
}

// Apollo reuses the parsed document of a repeated query, so the answer is kept per field node.
const nodeColumns = new WeakMap<DataSource, WeakMap<object, ColumnSet>>();

/** The contact columns a connection field's node selection (`edges.node` and `nodes`) needs. */
export function contactNodeColumns(ds: DataSource, info: GraphQLResolveInfo): ColumnSet {
  let byNode = nodeColumns.get(ds);
  if (!byNode) nodeColumns.set(ds, (byNode = new WeakMap()));
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0] : undefined;
  let set = node && byNode.get(node);
  if (!set) {
    set = contactReader(ds).columnsFor(nodeFields(info));
    if (node) byNode.set(node, set);
  }
  return set;
}
