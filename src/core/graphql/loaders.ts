import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { Contact } from '../../modules/contacts/contact.entity';
import { EmailEvent } from '../../modules/emails/email-event.entity';
import { ScheduledEmail } from '../../modules/emails/scheduled-email.entity';
import { Commitment } from '../../modules/insights/commitment.entity';
import { Insight } from '../../modules/insights/insight.entity';
import { JobLead } from '../../modules/insights/job-lead.entity';
import { AgendaItem } from '../../modules/meetings/agenda-item.entity';
import { Meeting } from '../../modules/meetings/meeting.entity';
import { Organisation } from '../../modules/organisations/organisation.entity';
import { EntityReader } from '../db/entity-reader';
import { padForGenericPlan } from '../db/prepared';
import { isUuid } from '../ids';

const readers = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, EntityReader<ObjectLiteral>>>();

/** The entity's reader for whole rows (built once per data source). */
function readerOf<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>): EntityReader<T> {
  let byEntity = readers.get(ds);
  if (!byEntity) readers.set(ds, (byEntity = new Map()));
  let reader = byEntity.get(entity);
  if (!reader) {
    reader = new EntityReader(ds, entity as new () => ObjectLiteral);
    byEntity.set(entity, reader);
  }
  return reader as EntityReader<T>;
}

/**
 * Loads rows of one user by id, batched per tick: a page of N items with a relation costs one
 * statement for that relation, not N. Rows of other users come back as null. Whole rows, read by
 * a prepared statement (see EntityReader): loaders serve every request, so TypeORM's per-call
 * query building is left out of them.
 */
function byId<T extends ObjectLiteral & { id: string }>(
  ds: DataSource,
  entity: EntityTarget<T>,
  userId: string | null,
) {
  return new DataLoader<string, T | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    if (!userId || !valid.length) return ids.map(() => null);
    const reader = readerOf(ds, entity);
    const rows = await reader.readWhole(
      `${reader.column('t', 'id')} = ANY($1::uuid[]) AND ${reader.column('t', 'userId')} = $2`,
      '',
      [padForGenericPlan(valid), userId],
    );
    const found = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Loads the children of many parents in one statement, grouped by the parent id column. */
export function byParent<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<T>,
  parentKey: keyof T & string,
  userId: string | null,
  order: Partial<Record<keyof T & string, 'ASC' | 'DESC'>>,
) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    if (!userId) return parentIds.map(() => []);
    const reader = readerOf(ds, entity);
    const rows = await reader.readWhole(
      `${reader.column('t', parentKey)} = ANY($1::uuid[]) AND ${reader.column('t', 'userId')} = $2`,
      Object.entries(order)
        .map(([property, direction]) => `${reader.column('t', property)} ${direction as string}`)
        .join(', '),
      [padForGenericPlan(parentIds), userId],
    );
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) groups.get(row[parentKey] as string)?.push(row);
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

const FACTORIES = {
  organisation: (ds: DataSource, userId: string | null) => byId(ds, Organisation, userId),
  contact: (ds: DataSource, userId: string | null) => byId(ds, Contact, userId),
  meeting: (ds: DataSource, userId: string | null) => byId(ds, Meeting, userId),
  emailsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, ScheduledEmail, 'meetingId', userId, { sendAt: 'ASC', id: 'ASC' }),
  emailEvents: (ds: DataSource, userId: string | null) =>
    byParent(ds, EmailEvent, 'scheduledEmailId', userId, { createdAt: 'ASC', id: 'ASC' }),
  introductions: (ds: DataSource, userId: string | null) =>
    byParent(ds, Contact, 'introducedById', userId, { firstName: 'ASC', id: 'ASC' }),
  agendaByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, AgendaItem, 'meetingId', userId, { position: 'ASC', id: 'ASC' }),
  insightsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, Insight, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }),
  commitmentsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, Commitment, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }),
  jobLeadsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, JobLead, 'meetingId', userId, { createdAt: 'ASC', id: 'ASC' }),
  referralsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, Contact, 'sourceMeetingId', userId, { createdAt: 'ASC', id: 'ASC' }),
  insightsByContact: (ds: DataSource, userId: string | null) =>
    byParent(ds, Insight, 'contactId', userId, { createdAt: 'DESC', id: 'ASC' }),
  commitmentsByContact: (ds: DataSource, userId: string | null) =>
    byParent(ds, Commitment, 'contactId', userId, { createdAt: 'DESC', id: 'ASC' }),
  insightsByOrganisation: (ds: DataSource, userId: string | null) =>
    byParent(ds, Insight, 'organisationId', userId, { createdAt: 'DESC', id: 'ASC' }),
  jobLeadsByOrganisation: (ds: DataSource, userId: string | null) =>
    byParent(ds, JobLead, 'organisationId', userId, { createdAt: 'DESC', id: 'ASC' }),
};

export type Loaders = { readonly [K in keyof typeof FACTORIES]: ReturnType<(typeof FACTORIES)[K]> };

/** The request's loaders, each made the first time a resolver uses it (most requests use one or two). */
class RequestLoaders {
  readonly made: Partial<Record<keyof Loaders, unknown>> = {};

  constructor(
    readonly ds: DataSource,
    readonly userId: string | null,
  ) {}
}
for (const name of Object.keys(FACTORIES) as (keyof Loaders)[]) {
  Object.defineProperty(RequestLoaders.prototype, name, {
    enumerable: true,
    get(this: RequestLoaders) {
      return (this.made[name] ??= FACTORIES[name](this.ds, this.userId));
    },
  });
}

export function createLoaders(ds: DataSource, userId: string | null): Loaders {
  return new RequestLoaders(ds, userId) as unknown as Loaders;
}
