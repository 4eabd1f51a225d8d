import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../../core/errors';
import { padForGenericPlan, queryPrepared } from '../../core/db/prepared';
import { readerOf } from '../../core/graphql/loaders';
import { paginateSql, type KeysetOrder, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { cleanText, likePattern, normalizeTags, rejectNulls, searchWords } from '../../core/inputs';
import { isPgError, PG_UNIQUE_VIOLATION } from '../../core/db/pg-errors';
import type { AuthUser } from '../auth/access-tokens';
import { domainOf } from './organisation-domain';
import { Organisation, ORGANISATION_SEARCH_TEXT } from './organisation.entity';
import { OrganisationErrors } from './organisation.errors';
import {
  OrganisationSort,
  type CreateOrganisationInput,
  type OrganisationFilter,
  type UpdateOrganisationInput,
} from './organisation.inputs';
import { industryMatches } from './industry-match';

const ORDERS: Record<OrganisationSort, KeysetOrder<Organisation>> = {
  [OrganisationSort.NAME_ASC]: {
    expression: 'lower(o.name)',
    type: 'text',
    direction: 'ASC',
    id: 'o.id',
    idOf: (o) => o.id,
  },
  // Both directions cost the same: a sort of the user's organisations (no created_at index).
  [OrganisationSort.CREATED_AT_ASC]: {
    expression: 'o.created_at',
    type: 'timestamptz',
    direction: 'ASC',
    id: 'o.id',
    idOf: (o) => o.id,
  },
  [OrganisationSort.CREATED_AT_DESC]: {
    expression: 'o.created_at',
    type: 'timestamptz',
    direction: 'DESC',
    id: 'o.id',
    idOf: (o) => o.id,
  },
  [OrganisationSort.UPDATED_AT_DESC]: {
    expression: 'o.updated_at',
    type: 'timestamptz',
    direction: 'DESC',
    id: 'o.id',
    idOf: (o) => o.id,
  },
};

export class OrganisationService {
  constructor(private readonly ds: DataSource) {}

  /**
   * A page of the user's organisations: whole rows by a prepared statement (planned once per
   * connection, where TypeORM's statements are planned on every call); with `withCount` (the
   * client asked for totalCount) the page statement counts too.
   */
  list(
    user: AuthUser,
    filter: OrganisationFilter = {},
    page: PageArgs,
    sort = OrganisationSort.NAME_ASC,
    withCount = false,
  ): Promise<Page<Organisation>> {
    const reader = readerOf(this.ds, Organisation);
    const all = reader.columnsFor(null);
    const values: unknown[] = [user.id];
    const param = (value: unknown) => `$${values.push(value)}`;
    const where = ['o.user_id = $1'];
    for (const word of searchWords(filter.search))
      where.push(`${ORGANISATION_SEARCH_TEXT} LIKE ${param(likePattern(word))}`);
    if (filter.industry) where.push(industryMatches('o.industry', `${param(filter.industry)}::text`));
    if (filter.tag) where.push(`${param(filter.tag.trim().toLowerCase())}::text = ANY(o.tags)`);
    if (filter.ids) where.push(`o.id = ANY(${param(padForGenericPlan(filter.ids.filter(isUuid)))}::uuid[])`);
    if (filter.updatedSince) where.push(`o.updated_at >= ${param(filter.updatedSince)}`);
    const run = (text: string, params: unknown[]) => queryPrepared(this.ds, text, params);
    return paginateSql<Organisation>(
      {
        select: reader.selectList('o', all),
        from: 'organisations o',
        where,
        values,
        order: ORDERS[sort],
        run,
        table: 'organisations o',
        withCount,
        hydrate: (row) => reader.hydrate(row, 'o', all)!,
      },
      page,
    );
  }

  async get(user: AuthUser, id: string, manager: EntityManager = this.ds.manager): Promise<Organisation | null> {
    if (!isUuid(id)) return null;
    return manager.getRepository(Organisation).findOneBy({ id, userId: user.id });
  }

  async getOrFail(user: AuthUser, id: string, manager?: EntityManager): Promise<Organisation> {
    const found = await this.get(user, id, manager);
    if (!found) throw new NotFoundError('Organisation');
    return found;
  }

  create(user: AuthUser, input: CreateOrganisationInput): Promise<Organisation> {
    const org = this.ds.getRepository(Organisation).create({ userId: user.id, tags: [] });
    this.apply(org, input);
    return this.save(org);
  }

  async update(user: AuthUser, id: string, input: UpdateOrganisationInput): Promise<Organisation> {
    rejectNulls(input, ['name']);
    return this.ds.transaction(async (m) => {
      const org = await this.getOrFail(user, id, m);
      this.apply(org, input);
      return this.save(org, m);
    });
  }

  /** Deletes the organisation; its contacts stay, with no organisation. */
  async delete(user: AuthUser, id: string): Promise<string> {
    if (!isUuid(id)) throw new NotFoundError('Organisation');
    const result = await this.ds.getRepository(Organisation).delete({ id, userId: user.id });
    if (!result.affected) throw new NotFoundError('Organisation');
    return id;
  }

  private apply(org: Organisation, input: CreateOrganisationInput | UpdateOrganisationInput): void {
    if (input.name !== undefined && input.name !== null) org.name = input.name.trim();
    const text = [
      'industry',
      'location',
      'description',
      'structureNotes',
      'nicheNotes',
      'goalsNotes',
      'careerProspectsNotes',
      'cultureNotes',
    ] as const;
    for (const key of text) {
      const value = cleanText(input[key]);
      if (value !== undefined) org[key] = value;
    }
    if (input.size !== undefined) org.size = input.size;
    if (input.tags !== undefined) org.tags = normalizeTags(input.tags ?? []);
    const website = cleanText(input.website);
    if (website !== undefined) org.website = website;
    const domain = cleanText(input.domain);
    if (domain) {
      org.domain = domainOf(domain);
    } else if (domain === null) {
      org.domain = null;
    } else if (website) {
      // The website sets the domain only when the client did not set one explicitly.
      org.domain = domainOf(website);
    }
  }

  private async save(org: Organisation, manager: EntityManager = this.ds.manager): Promise<Organisation> {
    try {
      return await manager.getRepository(Organisation).save(org);
    } catch (err) {
      if (isPgError(err, PG_UNIQUE_VIOLATION) && org.domain) {
        const existing = await this.ds
          .getRepository(Organisation)
          .findOneBy({ userId: org.userId, domain: org.domain });
        throw OrganisationErrors.domainTaken(existing?.id ?? '');
      }
      throw err;
    }
  }
}
