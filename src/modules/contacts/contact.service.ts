import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../../core/errors';
import { paginate, type KeysetOrder, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { cleanText, likePattern, normalizeTags, rejectNulls, searchWords } from '../../core/inputs';
import { isPgError, PG_UNIQUE_VIOLATION } from '../../core/db/pg-errors';
import type { AuthUser } from '../auth/access-tokens';
import type { OutboxChange } from '../emails/email-queue';
import { CancelReason, type OutboxService } from '../emails/outbox.service';
import { Organisation } from '../organisations/organisation.entity';
import { ownOrganisationId } from '../organisations/organisation-ownership';
import { canMove, ContactStage } from './contact-stage';
import { Contact, CONTACT_SEARCH_TEXT, HowWeKnow } from './contact.entity';
import { ContactErrors } from './contact.errors';
import { reportsUpTo } from './reporting-lines';
import { lockContactsOf } from './import/contacts-lock';
import {
  ContactSort,
  type ContactFilter,
  type CreateContactInput,
  type ReferralInput,
  type UpdateContactInput,
} from './contact.inputs';

const order = (
  expression: string,
  type: KeysetOrder<Contact>['type'],
  direction: 'ASC' | 'DESC',
): KeysetOrder<Contact> => ({
  expression,
  type,
  direction,
  id: 'c.id',
  idOf: (c) => c.id,
});

const NAME_ORDER = order(`lower(c.first_name || ' ' || coalesce(c.last_name, ''))`, 'text', 'ASC');
const ORDERS: Record<Exclude<ContactSort, ContactSort.RELEVANCE_DESC>, KeysetOrder<Contact>> = {
  [ContactSort.NAME_ASC]: NAME_ORDER,
  // Both directions walk contacts_user_id_created_at_idx (forwards or backwards).
  [ContactSort.CREATED_AT_ASC]: order('c.created_at', 'timestamptz', 'ASC'),
  [ContactSort.CREATED_AT_DESC]: order('c.created_at', 'timestamptz', 'DESC'),
  [ContactSort.LAST_CONTACTED_AT_ASC]: order(`coalesce(c.last_contacted_at, '-infinity')`, 'timestamptz', 'ASC'),
  [ContactSort.LAST_CONTACTED_AT_DESC]: order(`coalesce(c.last_contacted_at, '-infinity')`, 'timestamptz', 'DESC'),
};

/** The keyset order of a sort without a search (RELEVANCE then orders by name). */
export function contactOrder(sort: ContactSort): KeysetOrder<Contact> {
  return sort === ContactSort.RELEVANCE_DESC ? NAME_ORDER : ORDERS[sort];
}

const TEXT_FIELDS = ['lastName', 'phone', 'title', 'linkedinUrl', 'connectedOn', 'notes', 'timezone'] as const;

export class ContactService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  list(
    user: AuthUser,
    filter: ContactFilter = {},
    page: PageArgs,
    sort = ContactSort.RELEVANCE_DESC,
  ): Promise<Page<Contact>> {
    const qb = this.ds
      .getRepository(Contact)
      .createQueryBuilder('c')
      .leftJoin(Organisation, 'o', 'o.id = c.organisation_id')
      .where('c.user_id = :userId', { userId: user.id });
    const words = searchWords(filter.search);
    words.forEach((word, i) =>
      qb.andWhere(`(${CONTACT_SEARCH_TEXT} LIKE :w${i} OR lower(o.name) LIKE :w${i})`, {
        [`w${i}`]: likePattern(word),
      }),
    );
    if (filter.stages?.length) qb.andWhere('c.stage = ANY(:stages)', { stages: filter.stages });
    if (filter.updatedSince) qb.andWhere('c.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    if (filter.howWeKnows?.length) qb.andWhere('c.how_we_know = ANY(:how)', { how: filter.howWeKnows });
    if (filter.tag) qb.andWhere(':tag = ANY(c.tags)', { tag: filter.tag.trim().toLowerCase() });
    if (filter.organisationId !== undefined && filter.organisationId !== null) {
      qb.andWhere('c.organisation_id = :orgId', {
        orgId: isUuid(filter.organisationId) ? filter.organisationId : null,
      });
    }
    if (filter.introducedById) {
      qb.andWhere('c.introduced_by_id = :introducer', {
        introducer: isUuid(filter.introducedById) ? filter.introducedById : null,
      });
    }
    if (typeof filter.isDecisionMaker === 'boolean')
      qb.andWhere('c.is_decision_maker = :dm', { dm: filter.isDecisionMaker });
    if (typeof filter.notContactedForDays === 'number') {
      qb.andWhere(`(c.last_contacted_at IS NULL OR c.last_contacted_at <= now() - make_interval(days => :days))`, {
        days: filter.notContactedForDays,
      });
    }

    if (sort !== ContactSort.RELEVANCE_DESC) return paginate(qb, page, ORDERS[sort]);
    if (!words.length) return paginate(qb, page, NAME_ORDER);
    // Relevance: how closely each word matches a word of the contact or of its organisation.
    const rank = words
      .map(
        (_, i) =>
          `greatest(word_similarity(:r${i}, ${CONTACT_SEARCH_TEXT}), word_similarity(:r${i}, coalesce(lower(o.name), '')))`,
      )
      .join(' + ');
    words.forEach((word, i) => qb.setParameter(`r${i}`, word));
    return paginate(qb, page, order(`CAST(${rank} AS float8)`, 'float8', 'DESC'));
  }

  async get(user: AuthUser, id: string, manager: EntityManager = this.ds.manager): Promise<Contact | null> {
    if (!isUuid(id)) return null;
    return manager.getRepository(Contact).findOneBy({ id, userId: user.id });
  }

  async getOrFail(user: AuthUser, id: string, manager?: EntityManager, field?: string): Promise<Contact> {
    const found = await this.get(user, id, manager);
    if (!found) throw field ? ContactErrors.relationNotFound(field, 'Contact') : new NotFoundError('Contact');
    return found;
  }

  create(user: AuthUser, input: CreateContactInput): Promise<Contact> {
    return this.ds.transaction(async (m) => {
      const contact = m.getRepository(Contact).create({
        userId: user.id,
        tags: [],
        stage: input.stage ?? ContactStage.IDENTIFIED,
        howWeKnow: HowWeKnow.OTHER,
        isDecisionMaker: false,
        emailOptOut: false,
      });
      contact.firstName = input.firstName.trim();
      await this.apply(user, m, contact, input);
      return this.save(m, contact);
    });
  }

  async update(user: AuthUser, id: string, input: UpdateContactInput): Promise<Contact> {
    rejectNulls(input, ['firstName', 'stage', 'howWeKnow', 'isDecisionMaker', 'emailOptOut']);
    const changes: OutboxChange[] = [];
    const updated = await this.ds.transaction(async (m) => {
      const contact = await this.getOrFail(user, id, m);
      const before = { email: contact.email, emailOptOut: contact.emailOptOut, timezone: contact.timezone };
      if (input.firstName !== undefined) contact.firstName = input.firstName.trim();
      if (input.stage !== undefined && input.stage !== contact.stage) {
        if (!canMove(contact.stage, input.stage)) throw ContactErrors.illegalStage(contact.stage, input.stage);
        contact.stage = input.stage;
      }
      await this.apply(user, m, contact, input);
      const saved = await this.save(m, contact);
      // Where and when their emails go depends on these: re-plan them with the change.
      if (
        before.email !== saved.email ||
        before.emailOptOut !== saved.emailOptOut ||
        before.timezone !== saved.timezone
      ) {
        changes.push(...(await this.outbox.syncContact(m, user.id, saved.id)));
      }
      return saved;
    });
    await this.outbox.commit(changes);
    return updated;
  }

  /** Deletes the contact and cancels emails to them; meetings with them keep their notes. */
  async delete(user: AuthUser, id: string): Promise<string> {
    if (!isUuid(id)) throw new NotFoundError('Contact');
    const changes: OutboxChange[] = [];
    await this.ds.transaction(async (m) => {
      changes.push(...(await this.outbox.cancelForContact(m, user.id, id, CancelReason.CONTACT_DELETED)));
      const result = await m.getRepository(Contact).delete({ id, userId: user.id });
      if (!result.affected) throw new NotFoundError('Contact');
    });
    await this.outbox.commit(changes);
    return id;
  }

  /** The chain of introducers above a contact, nearest first (at most 20). */
  async introductionChain(user: AuthUser, contactId: string): Promise<Contact[]> {
    const rows: { id: string }[] = await this.ds.query(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT introduced_by_id, 1 FROM contacts WHERE id = $1 AND user_id = $2 AND introduced_by_id IS NOT NULL
         UNION ALL
         SELECT c.introduced_by_id, chain.depth + 1 FROM contacts c JOIN chain ON c.id = chain.id
         WHERE c.user_id = $2 AND c.introduced_by_id IS NOT NULL AND chain.depth < 20
       )
       SELECT id FROM chain ORDER BY depth`,
      [contactId, user.id],
    );
    if (!rows.length) return [];
    const contacts = await this.ds.getRepository(Contact).findBy(rows.map((r) => ({ id: r.id, userId: user.id })));
    const byId = new Map(contacts.map((c) => [c.id, c]));
    return rows.map((r) => byId.get(r.id)).filter((c): c is Contact => !!c);
  }

  private async apply(
    user: AuthUser,
    m: EntityManager,
    contact: Contact,
    input: CreateContactInput | UpdateContactInput,
  ) {
    for (const key of TEXT_FIELDS) {
      const value = cleanText(input[key]);
      if (value !== undefined) contact[key] = value;
    }
    const email = cleanText(input.email);
    if (email !== undefined) contact.email = email?.toLowerCase() ?? null;
    if (input.howWeKnow) contact.howWeKnow = input.howWeKnow;
    if (typeof input.isDecisionMaker === 'boolean') contact.isDecisionMaker = input.isDecisionMaker;
    if (typeof input.emailOptOut === 'boolean') contact.emailOptOut = input.emailOptOut;
    if (input.tags !== undefined) contact.tags = normalizeTags(input.tags ?? []);
    if (input.keepInTouchEveryDays !== undefined) contact.keepInTouchEveryDays = input.keepInTouchEveryDays;

    if (input.organisationId !== undefined) {
      if (input.organisationId === null) contact.organisationId = null;
      else {
        const org = isUuid(input.organisationId)
          ? await m.getRepository(Organisation).findOneBy({ id: input.organisationId, userId: user.id })
          : null;
        if (!org) throw ContactErrors.relationNotFound('input.organisationId', 'Organisation');
        contact.organisationId = org.id;
      }
    }
    if (input.introducedById !== undefined) {
      if (input.introducedById === null) contact.introducedById = null;
      else {
        const introducer = await this.getOrFail(user, input.introducedById, m, 'input.introducedById');
        if (contact.id && (introducer.id === contact.id || (await this.introducedBy(m, introducer.id, contact.id)))) {
          throw ContactErrors.introductionCycle();
        }
        contact.introducedById = introducer.id;
      }
    }
    if (input.reportsToId !== undefined) {
      if (input.reportsToId === null) contact.reportsToId = null;
      else {
        // Serialised per user, so two edits cannot each close half of a circle.
        await lockContactsOf(m, user.id);
        const manager = await this.getOrFail(user, input.reportsToId, m, 'input.reportsToId');
        if (contact.id && (manager.id === contact.id || (await reportsUpTo(m, manager.id, contact.id)))) {
          throw ContactErrors.reportingCycle();
        }
        contact.reportsToId = manager.id;
      }
    }
  }

  /** Whether `ancestorId` appears in the introduction chain above `contactId`. */
  private async introducedBy(m: EntityManager, contactId: string, ancestorId: string): Promise<boolean> {
    const [row] = await m.query(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT introduced_by_id, 1 FROM contacts WHERE id = $1
         UNION ALL
         SELECT c.introduced_by_id, chain.depth + 1 FROM contacts c JOIN chain ON c.id = chain.id WHERE chain.depth < 50
       )
       SELECT EXISTS (SELECT 1 FROM chain WHERE id = $2) AS found`,
      [contactId, ancestorId],
    );
    return row.found as boolean;
  }

  private async save(m: EntityManager, contact: Contact): Promise<Contact> {
    try {
      // A savepoint, so a unique violation leaves the transaction usable for the lookup below.
      return await m.transaction((inner) => inner.getRepository(Contact).save(contact));
    } catch (err) {
      if (isPgError(err, PG_UNIQUE_VIOLATION) && contact.email) {
        const existing = await m.getRepository(Contact).findOneBy({ userId: contact.userId, email: contact.email });
        throw ContactErrors.emailTaken(existing?.id ?? '');
      }
      throw err;
    }
  }

  /**
   * Adds someone a contact suggested in a meeting, as a new contact introduced by them, in the
   * caller's transaction. `field` names the input in errors (a duplicate email is a CONFLICT).
   */
  async createReferral(
    m: EntityManager,
    user: AuthUser,
    meeting: { id: string; contactId: string | null },
    referral: ReferralInput,
    field: string,
  ): Promise<void> {
    const organisationId = await ownOrganisationId(
      m,
      user.id,
      referral.organisationId,
      `${field}.organisationId`,
      null,
    );
    const email = cleanText(referral.email)?.toLowerCase() ?? null;
    // A duplicate email skips the row (no savepoint needed to report it without aborting the
    // transaction): the unique index on (user_id, email) is the contacts table's only one.
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(Contact)
      .values({
        userId: user.id,
        firstName: referral.firstName.trim(),
        lastName: cleanText(referral.lastName) ?? null,
        email,
        title: cleanText(referral.title) ?? null,
        notes: cleanText(referral.notes) ?? null,
        organisationId,
        introducedById: meeting.contactId,
        sourceMeetingId: meeting.id,
        howWeKnow: HowWeKnow.REFERRAL,
        stage: ContactStage.IDENTIFIED,
      })
      .orIgnore()
      .execute();
    if (!(inserted.raw as unknown[]).length) {
      const existing = await m.getRepository(Contact).findOneBy({ userId: user.id, email: email ?? undefined });
      const conflict = ContactErrors.emailTaken(existing?.id ?? '');
      conflict.details.fields = [{ field: `${field}.email`, message: 'is already one of your contacts' }];
      throw conflict;
    }
  }
}
