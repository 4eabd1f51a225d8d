import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type FindOptionsOrder, type ObjectLiteral } from 'typeorm';
import { Contact } from '../../modules/contacts/contact.entity';
import { EmailEvent } from '../../modules/emails/email-event.entity';
import { ScheduledEmail } from '../../modules/emails/scheduled-email.entity';
import { Commitment } from '../../modules/insights/commitment.entity';
import { Insight } from '../../modules/insights/insight.entity';
import { JobLead } from '../../modules/insights/job-lead.entity';
import { AgendaItem } from '../../modules/meetings/agenda-item.entity';
import { Meeting } from '../../modules/meetings/meeting.entity';
import { Organisation } from '../../modules/organisations/organisation.entity';
import { isUuid } from '../ids';

/**
 * Loads rows of one user by id, batched per tick: a page of N items with a relation costs one
 * statement for that relation, not N. Rows of other users come back as null.
 */
function byId<T extends ObjectLiteral & { id: string }>(
  ds: DataSource,
  entity: EntityTarget<T>,
  userId: string | null,
) {
  return new DataLoader<string, T | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    if (!userId || !valid.length) return ids.map(() => null);
    const rows = await ds.getRepository(entity).find({ where: { id: In(valid), userId } as never });
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
  order: FindOptionsOrder<T>,
) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    if (!userId) return parentIds.map(() => []);
    const rows = await ds.getRepository(entity).find({
      where: { [parentKey]: In([...parentIds]), userId } as never,
      order,
    });
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
