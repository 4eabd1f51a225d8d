import type { GraphQLResolveInfo } from 'graphql';
import type { DataSource } from 'typeorm';
import { EntityReader } from '../../core/db/entity-reader';
import type { LoadersOf } from '../../core/graphql/loaders';
import type { contactLoaders } from '../contacts/contact.loaders';
import { asksTotalCount, nodeFields } from '../../core/graphql/selection';
import type { Contact } from '../contacts/contact.entity';
import { contactReader } from '../contacts/contact-reader';
import { Organisation } from '../organisations/organisation.entity';
import type { organisationLoaders } from '../organisations/organisation.loaders';
import { Meeting } from './meeting.entity';

/**
 * The columns each computed field reads from its row (fields resolved from another table read
 * only the row's id or foreign key). A field missing here makes a page read whole rows.
 */
const MEETING_FIELDS = {
  contact: ['contactId'],
  organisation: ['organisationId'],
  agenda: ['id'],
  insights: ['id'],
  commitments: ['id'],
  jobLeads: ['id'],
  referrals: ['id'],
  scheduledEmails: ['id'],
} as const;
const ORGANISATION_FIELDS = {
  contacts: ['id'],
  people: ['id'],
  meetings: ['id'],
  insights: ['id'],
  jobLeads: ['id'],
} as const;

export interface MeetingReaders {
  meeting: EntityReader<Meeting>;
  contact: EntityReader<Contact>;
  organisation: EntityReader<Organisation>;
}

const cache = new WeakMap<DataSource, MeetingReaders>();

/** Built on first use: type-graphql's field-resolver metadata is complete once the schema is. */
export function meetingReaders(ds: DataSource): MeetingReaders {
  let readers = cache.get(ds);
  if (!readers) {
    readers = {
      meeting: new EntityReader(ds, Meeting, MEETING_FIELDS),
      contact: contactReader(ds),
      organisation: new EntityReader(ds, Organisation, ORGANISATION_FIELDS),
    };
    cache.set(ds, readers);
  }
  return readers;
}

/**
 * What a meetings page reads, from the client's selection: the meeting fields, and the to-one
 * relations (and their fields) to join into the same statement. `null` reads whole rows.
 */
export interface MeetingSelection {
  meeting: Iterable<string> | null;
  contact?: Iterable<string> | null;
  contactOrganisation?: Iterable<string> | null;
  organisation?: Iterable<string> | null;
  /** The client asked for totalCount: the page statement counts too. */
  totalCount?: boolean;
}

// Apollo reuses the parsed document of a repeated query, so the answer is kept per field node.
const selections = new WeakMap<object, MeetingSelection>();

/** The selection on the nodes (`edges.node` and `nodes`) of a meetings connection field. */
export function meetingSelection(info: GraphQLResolveInfo): MeetingSelection {
  const known = info.fieldNodes.length === 1 ? selections.get(info.fieldNodes[0]) : undefined;
  if (known) return known;
  const selection = readSelection(info);
  if (info.fieldNodes.length === 1) selections.set(info.fieldNodes[0], selection);
  return selection;
}

function readSelection(info: GraphQLResolveInfo): MeetingSelection {
  const meeting = nodeFields(info);
  const contact = meeting.has('contact') ? nodeFields(info, ['contact']) : undefined;
  return {
    meeting,
    contact,
    contactOrganisation: contact?.has('organisation') ? nodeFields(info, ['contact', 'organisation']) : undefined,
    organisation: meeting.has('organisation') ? nodeFields(info, ['organisation']) : undefined,
    totalCount: asksTotalCount(info),
  };
}

/**
 * Hands complete joined rows to the per-request loaders, so a later `contact(id)` or
 * `organisation(id)` in the same request is not read again. Partial rows stay on their meeting.
 */
export function primeLoaders(
  meetings: Meeting[],
  loaders: Pick<LoadersOf<typeof contactLoaders & typeof organisationLoaders>, 'contact' | 'organisation'>,
): void {
  const complete = EntityReader.isComplete;
  for (const m of meetings) {
    if (m.contact && complete(m.contact)) {
      loaders.contact.prime(m.contact.id, m.contact);
      const org = m.contact.organisation;
      if (org && complete(org)) loaders.organisation.prime(org.id, org);
    }
    if (m.organisation && complete(m.organisation)) loaders.organisation.prime(m.organisation.id, m.organisation);
  }
}

/** Whole rows, no joins: for callers without a GraphQL selection. */
export const WHOLE_MEETINGS: MeetingSelection = { meeting: null };
