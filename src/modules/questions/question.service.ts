import { In, type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../../core/errors';
import { paginate, type KeysetOrder, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { likePattern, rejectNulls, searchWords } from '../../core/inputs';
import type { AuthUser } from '../auth/access-tokens';
import { DEFAULT_QUESTIONS } from './default-questions';
import { Question } from './question.entity';
import type { CreateQuestionInput, QuestionFilter, UpdateQuestionInput } from './question.inputs';

/**
 * The bank reads grouped by category (in Topic's declared order, which is the order of an
 * interview), then oldest first. paginate() takes one keyset expression, so the three parts
 * are packed into one fixed-width string of digits, compared byte-wise (COLLATE "C"):
 * two digits of the category's position, then created_at in UTC to the microsecond. Fixed
 * width and digits only, so string order is exactly (category, created_at) order, whatever
 * the session's time zone or the database's collation; the id breaks the remaining ties
 * (the seeded defaults share one created_at).
 */
const BANK_ORDER: KeysetOrder<Question> = {
  expression: `(lpad(CAST(array_position(enum_range(CAST(NULL AS topic)), q.category) AS text), 2, '0') || to_char(q.created_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS')) COLLATE "C"`,
  type: 'text',
  direction: 'ASC',
  id: 'q.id',
  idOf: (q) => q.id,
};

export class QuestionService {
  constructor(private readonly ds: DataSource) {}

  /** Adds every default question the user does not have; returns how many were added. */
  async seedDefaults(userId: string, manager: EntityManager = this.ds.manager): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(Question)
      .values(DEFAULT_QUESTIONS.map((q) => ({ userId, category: q.category, text: q.text, defaultKey: q.key })))
      .orIgnore() // ON CONFLICT DO NOTHING on (user_id, default_key)
      // RETURNING lists only the rows actually inserted. TypeORM's `identifiers` cannot be
      // counted: it pairs returned rows with the values by position, whatever was skipped.
      .returning('id')
      .updateEntity(false)
      .execute();
    return (result.raw as unknown[]).length;
  }

  /** The user's questions with these ids, in the order asked; missing or foreign ids are left out. */
  async findOwned(userId: string, ids: string[], manager: EntityManager = this.ds.manager): Promise<Question[]> {
    const valid = ids.filter(isUuid);
    if (!valid.length) return [];
    const rows = await manager.getRepository(Question).findBy({ id: In(valid), userId });
    const byId = new Map(rows.map((q) => [q.id, q]));
    return valid.map((id) => byId.get(id)).filter((q): q is Question => !!q);
  }

  list(user: AuthUser, filter: QuestionFilter = {}, page: PageArgs): Promise<Page<Question>> {
    const qb = this.ds
      .getRepository(Question)
      .createQueryBuilder('q')
      .where('q.user_id = :userId', { userId: user.id });
    if (filter.category) qb.andWhere('q.category = :category', { category: filter.category });
    searchWords(filter.search).forEach((word, i) =>
      qb.andWhere(`lower(q.text) LIKE :w${i}`, { [`w${i}`]: likePattern(word) }),
    );
    if (filter.isDefault === true) qb.andWhere('q.default_key IS NOT NULL');
    if (filter.isDefault === false) qb.andWhere('q.default_key IS NULL');
    if (filter.updatedSince) qb.andWhere('q.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    return paginate(qb, page, BANK_ORDER);
  }

  async get(user: AuthUser, id: string, manager: EntityManager = this.ds.manager): Promise<Question | null> {
    if (!isUuid(id)) return null;
    return manager.getRepository(Question).findOneBy({ id, userId: user.id });
  }

  async getOrFail(user: AuthUser, id: string, manager?: EntityManager): Promise<Question> {
    const found = await this.get(user, id, manager);
    if (!found) throw new NotFoundError('Question');
    return found;
  }

  create(user: AuthUser, input: CreateQuestionInput): Promise<Question> {
    const repo = this.ds.getRepository(Question);
    return repo.save(
      repo.create({ userId: user.id, category: input.category, text: input.text.trim(), defaultKey: null }),
    );
  }

  /** Edits keep a default question a default: restoring the defaults will not bring back its original. */
  async update(user: AuthUser, id: string, input: UpdateQuestionInput): Promise<Question> {
    rejectNulls(input, ['category', 'text']);
    return this.ds.transaction(async (m) => {
      const question = await this.getOrFail(user, id, m);
      if (input.category) question.category = input.category;
      if (input.text) question.text = input.text.trim();
      return m.getRepository(Question).save(question);
    });
  }

  /** Agendas keep their own copy of a question's text, so deleting it changes no meeting. */
  async delete(user: AuthUser, id: string): Promise<string> {
    if (!isUuid(id)) throw new NotFoundError('Question');
    const result = await this.ds.getRepository(Question).delete({ id, userId: user.id });
    if (!result.affected) throw new NotFoundError('Question');
    return id;
  }

  /** Brings back the default questions the user deleted; edited ones stay as they are. */
  restoreDefaults(user: AuthUser): Promise<number> {
    return this.seedDefaults(user.id);
  }
}
