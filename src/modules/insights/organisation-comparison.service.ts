import type { DataSource } from 'typeorm';
import { relationNotFound, ValidationError } from '../../core/errors';
import { readerOf } from '../../core/graphql/loaders';
import { isUuid } from '../../core/ids';
import type { AuthUser } from '../auth/access-tokens';
import { industryMatches } from '../organisations/industry-match';
import { Organisation } from '../organisations/organisation.entity';
import { Topic } from '../questions/topic';
import { Insight } from './insight.entity';
import type { OrganisationComparison } from './organisation-comparison.types';

export const COMPARE_MIN = 2;
export const COMPARE_MAX = 10;
export const PER_CATEGORY_MAX = 10;
const INDUSTRY_MAX = 100;
// Any control character: an industry is one line of text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What to compare: 2–10 organisations by id, or (up to 10 of) those of one industry. */
export interface ComparisonRequest {
  ids?: readonly string[] | null;
  industry?: string | null;
  categories?: readonly Topic[] | null;
  perCategory: number;
}

/**
 * Insights side by side: for each organisation and category, the latest few insights and how
 * many there are, and the categories with none. Two statements whatever the size: the
 * organisations, then every cell's insights ranked in one window.
 */
export class OrganisationComparisonService {
  constructor(private readonly ds: DataSource) {}

  async compare(user: AuthUser, request: ComparisonRequest): Promise<OrganisationComparison> {
    const categories = this.categories(request.categories);
    if (!Number.isInteger(request.perCategory) || request.perCategory < 1 || request.perCategory > PER_CATEGORY_MAX) {
      throw ValidationError.field('perCategory', `must be between 1 and ${PER_CATEGORY_MAX}`);
    }
    const { organisations, matchedCount } = await this.organisations(user, request);

    const reader = readerOf(this.ds, Insight);
    const all = reader.columnsFor(null);
    const rows: Record<string, unknown>[] = organisations.length
      ? await this.ds.query(
          `SELECT ranked.* FROM (
             SELECT ${all.selectList('i')},
                    row_number() OVER (PARTITION BY i.organisation_id, i.category ORDER BY i.created_at DESC, i.id DESC) AS rank,
                    count(*) OVER (PARTITION BY i.organisation_id, i.category)::int AS cell_count
             FROM insights i
             WHERE i.user_id = $1 AND i.organisation_id = ANY($2::uuid[]) AND i.category = ANY($3::topic[])
           ) ranked
           WHERE ranked.rank <= $4
           ORDER BY ranked.rank`,
          [user.id, organisations.map((o) => o.id), categories, request.perCategory],
        )
      : [];
    const cells = new Map<string, { count: number; insights: Insight[] }>();
    for (const row of rows) {
      const insight = reader.hydrate(row, 'i', all)!;
      const key = `${insight.organisationId}\0${insight.category}`;
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { count: row.cell_count as number, insights: [] }));
      cell.insights.push(insight);
    }
    const cellOf = (org: Organisation, category: Topic) => cells.get(`${org.id}\0${category}`);
    return {
      organisations,
      matchedCount,
      rows: categories.map((category) => ({
        category,
        cells: organisations.map((organisation) => ({
          organisation,
          count: cellOf(organisation, category)?.count ?? 0,
          insights: cellOf(organisation, category)?.insights ?? [],
        })),
      })),
      gaps: organisations.map((organisation) => ({
        organisation,
        categories: categories.filter((category) => !cellOf(organisation, category)),
      })),
    };
  }

  /** The categories asked for, once each, in the Topic order; all of them when none are given. */
  private categories(requested: readonly Topic[] | null | undefined): Topic[] {
    if (requested === null || requested === undefined) return Object.values(Topic);
    if (!requested.length) throw ValidationError.field('categories', 'must name at least one category, or be left out');
    const wanted = new Set(requested);
    return Object.values(Topic).filter((t) => wanted.has(t));
  }

  private async organisations(
    user: AuthUser,
    { ids, industry }: ComparisonRequest,
  ): Promise<{ organisations: Organisation[]; matchedCount: number }> {
    const repo = this.ds.getRepository(Organisation);
    if (ids && industry !== null && industry !== undefined) {
      throw ValidationError.field('industry', 'give ids or an industry, not both');
    }
    if (industry !== null && industry !== undefined) {
      if (!industry.trim()) throw ValidationError.field('industry', 'must not be blank');
      if (industry.length > INDUSTRY_MAX)
        throw ValidationError.field('industry', `must be at most ${INDUSTRY_MAX} characters`);
      if (CONTROL.test(industry)) throw ValidationError.field('industry', 'must not contain control characters');
      // The ones the user learned most about first: the comparison worth reading.
      const found: { id: string; matched: number }[] = await this.ds.query(
        `SELECT o.id, count(*) OVER ()::int AS matched FROM organisations o
         WHERE o.user_id = $1 AND ${industryMatches('o.industry', '$2')}
         ORDER BY (SELECT count(*) FROM insights i WHERE i.organisation_id = o.id AND i.user_id = $1) DESC,
                  lower(o.name), o.id
         LIMIT ${COMPARE_MAX}`,
        [user.id, industry],
      );
      const byId = new Map(
        (await repo.findBy(found.map((f) => ({ id: f.id, userId: user.id })))).map((o) => [o.id, o]),
      );
      return { organisations: found.map((f) => byId.get(f.id)!), matchedCount: found[0]?.matched ?? 0 };
    }
    if (!ids)
      throw ValidationError.field('ids', `give ${COMPARE_MIN} to ${COMPARE_MAX} organisation ids, or an industry`);
    if (ids.length < COMPARE_MIN || ids.length > COMPARE_MAX) {
      throw ValidationError.field('ids', `must hold ${COMPARE_MIN} to ${COMPARE_MAX} organisations`);
    }
    if (new Set(ids).size !== ids.length) throw ValidationError.field('ids', 'must not name an organisation twice');
    const valid = ids.filter(isUuid);
    const owned = valid.length ? await repo.findBy(valid.map((id) => ({ id, userId: user.id }))) : [];
    const byId = new Map(owned.map((o) => [o.id, o]));
    const missing = ids.findIndex((id) => !byId.has(id));
    if (missing >= 0) throw relationNotFound(`ids[${missing}]`, 'Organisation');
    return { organisations: ids.map((id) => byId.get(id)!), matchedCount: ids.length };
  }
}
