import { DEFAULT_QUESTIONS } from '../../src/modules/questions/default-questions';
import { Topic } from '../../src/modules/questions/topic';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, execute } from '../helpers/graphql';
import {
  CreateQuestionDocument,
  DeleteQuestionDocument,
  QuestionDocument,
  QuestionsDocument,
  RestoreDefaultQuestionsDocument,
  UpdateQuestionDocument,
  type QuestionFilter,
  type QuestionsQuery,
} from '../generated/graphql';

type Node = QuestionsQuery['questions']['edges'][number]['node'];

let app: TestApp;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
});
afterAll(() => app.close());

/** Every question of `user` matching `filter`, page by page. */
async function bank(
  user: SignedInUser,
  filter: QuestionFilter | null = null,
  pageSize = 100,
  between?: () => Promise<void>,
): Promise<Node[]> {
  const seen: Node[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const { questions }: QuestionsQuery = await user.ok(QuestionsDocument, { first: pageSize, after, filter });
    seen.push(...questions.edges.map((e) => e.node));
    if (!questions.pageInfo.hasNextPage) return seen;
    after = questions.pageInfo.endCursor;
    await between?.();
  }
  throw new Error('pagination did not end');
}

const texts = (nodes: Node[]) => nodes.map((q) => q.text);
const fieldsOf = (res: Parameters<typeof errorOf>[0]) =>
  (errorOf(res).extensions?.fields as { field: string }[]).map((f) => f.field);
const TOPIC_ORDER = Object.values(Topic);

describe('the default bank', () => {
  it('gives every new user each default question, once, covering every topic they use', async () => {
    const user = await signedInUser(app.url);
    const questions = await bank(user, null, 7);
    expect(questions).toHaveLength(DEFAULT_QUESTIONS.length);
    expect(new Set(questions.map((q) => q.id)).size).toBe(DEFAULT_QUESTIONS.length);
    expect(questions.every((q) => q.isDefault)).toBe(true);
    expect(new Set(texts(questions))).toEqual(new Set(DEFAULT_QUESTIONS.map((q) => q.text)));
    expect(new Set(questions.map((q) => q.category))).toEqual(new Set(DEFAULT_QUESTIONS.map((q) => q.category)));
    const { questions: page } = await user.ok(QuestionsDocument, { first: 1 });
    expect(page.totalCount).toBe(DEFAULT_QUESTIONS.length);
  });

  it('lists by category in interview order, then oldest first', async () => {
    const user = await signedInUser(app.url);
    const { createQuestion: mine } = await user.ok(CreateQuestionDocument, {
      input: { category: 'ENTRY_PATHS', text: 'Did you ever consider leaving the field?' },
    });
    const { createQuestion: other } = await user.ok(CreateQuestionDocument, {
      input: { category: 'OTHER', text: 'Anything you wish people asked you?' },
    });
    const questions = await bank(user, null, 5);
    const ranks = questions.map((q) => TOPIC_ORDER.indexOf(q.category as Topic));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const entryPaths = DEFAULT_QUESTIONS.filter((q) => q.category === Topic.ENTRY_PATHS).length;
    expect(questions[entryPaths].id).toBe(mine.id); // after the (older) defaults of its category
    expect(questions.at(-1)?.id).toBe(other.id);
  });

  it('pages without loss or repetition while questions are added between pages', async () => {
    const user = await signedInUser(app.url);
    const originals = new Set((await bank(user)).map((q) => q.id));
    const categories: Topic[] = [Topic.ENTRY_PATHS, Topic.SALARY, Topic.OTHER];
    let n = 0;
    const seen = await bank(user, null, 4, async () => {
      await user.ok(CreateQuestionDocument, { input: { category: categories[n % 3], text: `Added ${n++}` } });
    });
    const ids = seen.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.filter((id) => originals.has(id)))).toEqual(originals);
  });

  it('is only for signed-in users', async () => {
    const res = await execute(app.url, QuestionsDocument, {});
    expect(errorOf(res).extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('question CRUD', () => {
  it('creates a question (trimmed, not a default) and reads it back', async () => {
    const { createQuestion: q } = await ada.ok(CreateQuestionDocument, {
      input: { category: 'CULTURE', text: '  How often does the team meet in person?  ' },
    });
    expect(q).toMatchObject({ category: 'CULTURE', text: 'How often does the team meet in person?', isDefault: false });
    const { question } = await ada.ok(QuestionDocument, { id: q.id });
    expect(question).toEqual(q);
  });

  it('updates only the given fields', async () => {
    const { createQuestion: q } = await ada.ok(CreateQuestionDocument, {
      input: { category: 'SALARY', text: 'Is pay negotiable?' },
    });
    const { updateQuestion: moved } = await ada.ok(UpdateQuestionDocument, {
      id: q.id,
      input: { category: 'ADVICE' },
    });
    expect(moved).toMatchObject({ id: q.id, category: 'ADVICE', text: 'Is pay negotiable?' });
    const { updateQuestion: reworded } = await ada.ok(UpdateQuestionDocument, {
      id: q.id,
      input: { text: ' Is the starting salary negotiable? ' },
    });
    expect(reworded).toMatchObject({ category: 'ADVICE', text: 'Is the starting salary negotiable?' });
    expect((await ada.ok(QuestionDocument, { id: q.id })).question).toMatchObject(reworded);
  });

  it('refuses null for a field, naming it', async () => {
    const { createQuestion: q } = await ada.ok(CreateQuestionDocument, {
      input: { category: 'EVENTS', text: 'Which conference matters most?' },
    });
    const res = await ada.run(UpdateQuestionDocument, { id: q.id, input: { text: null, category: null } });
    expect(errorOf(res).extensions?.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(res).sort()).toEqual(['input.category', 'input.text']);
    expect((await ada.ok(QuestionDocument, { id: q.id })).question?.text).toBe('Which conference matters most?');
  });

  it('deletes, after which the question is gone', async () => {
    const { createQuestion: q } = await ada.ok(CreateQuestionDocument, {
      input: { category: 'OTHER', text: 'Soon gone?' },
    });
    expect(await ada.ok(DeleteQuestionDocument, { id: q.id })).toEqual({ deleteQuestion: q.id });
    expect((await ada.ok(QuestionDocument, { id: q.id })).question).toBeNull();
    expect(errorOf(await ada.run(DeleteQuestionDocument, { id: q.id })).extensions?.code).toBe('NOT_FOUND');
    const update = await ada.run(UpdateQuestionDocument, { id: q.id, input: { text: 'Back?' } });
    expect(errorOf(update)).toMatchObject({ message: 'Question not found', extensions: { code: 'NOT_FOUND' } });
  });

  it('treats an id that is not a UUID as missing', async () => {
    expect((await ada.ok(QuestionDocument, { id: 'nope' })).question).toBeNull();
    expect(errorOf(await ada.run(DeleteQuestionDocument, { id: 'nope' })).extensions?.code).toBe('NOT_FOUND');
  });
});

describe('question text', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'x'.repeat(1001)],
    ['with a control character', 'What\u0007now?'],
    ['on two lines', 'What\nnow?'],
  ])('is refused when %s, naming input.text', async (_, text) => {
    const res = await ada.run(CreateQuestionDocument, { input: { category: 'OTHER', text } });
    expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(fieldsOf(res)).toContain('input.text');
    expect(new Set(fieldsOf(res))).toEqual(new Set(['input.text']));
  });

  it('is refused on update too', async () => {
    const { createQuestion: q } = await ada.ok(CreateQuestionDocument, { input: { category: 'OTHER', text: 'Ok?' } });
    const res = await ada.run(UpdateQuestionDocument, { id: q.id, input: { text: ' ' } });
    expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.text' }] });
  });

  it('may be 1000 characters long', async () => {
    const text = 'y'.repeat(1000);
    const { createQuestion } = await ada.ok(CreateQuestionDocument, { input: { category: 'OTHER', text } });
    expect(createQuestion.text).toBe(text);
  });
});

describe('filters', () => {
  let bea: SignedInUser;
  beforeAll(async () => {
    bea = await signedInUser(app.url);
    for (const input of [
      { category: 'SALARY', text: 'Are bonuses paid yearly?' },
      { category: 'CULTURE', text: 'How is remote work handled?' },
      { category: 'OTHER', text: 'Is 100% remote possible?' },
    ] as const) {
      await bea.ok(CreateQuestionDocument, { input });
    }
  });

  it('by category', async () => {
    const salary = await bank(bea, { category: 'SALARY' });
    const defaults = DEFAULT_QUESTIONS.filter((q) => q.category === Topic.SALARY).map((q) => q.text);
    expect(salary.every((q) => q.category === 'SALARY')).toBe(true);
    // The defaults, seeded together, come before the user's own (newer) question.
    expect(new Set(texts(salary.slice(0, -1)))).toEqual(new Set(defaults));
    expect(salary.at(-1)?.text).toBe('Are bonuses paid yearly?');
  });

  it('by partial words in the text, in any case', async () => {
    expect(texts(await bank(bea, { search: 'BONUS' }))).toEqual(['Are bonuses paid yearly?']);
    expect(texts(await bank(bea, { search: 'remote hand' }))).toEqual(['How is remote work handled?']);
    expect(texts(await bank(bea, { search: '100%' }))).toEqual(['Is 100% remote possible?']);
    expect(texts(await bank(bea, { search: '10%' }))).toEqual([]);
    expect(texts(await bank(bea, { search: 'salary range' }))).toEqual([
      'What salary range is realistic at entry level, and how does it grow?',
    ]);
  });

  it('by default or own', async () => {
    const own = await bank(bea, { isDefault: false });
    expect(new Set(texts(own))).toEqual(
      new Set(['Are bonuses paid yearly?', 'How is remote work handled?', 'Is 100% remote possible?']),
    );
    const defaults = await bank(bea, { isDefault: true });
    expect(defaults).toHaveLength(DEFAULT_QUESTIONS.length);
    expect(defaults.every((q) => q.isDefault)).toBe(true);
    expect(texts(await bank(bea, { isDefault: false, category: 'CULTURE', search: 'remote' }))).toEqual([
      'How is remote work handled?',
    ]);
    const { questions } = await bea.ok(QuestionsDocument, { filter: { isDefault: false }, first: 1 });
    expect(questions.totalCount).toBe(3);
  });
});

describe('ownership', () => {
  it('another user’s question behaves like a missing one, and stays unchanged', async () => {
    const bob = await signedInUser(app.url);
    const { createQuestion: q } = await ada.ok(CreateQuestionDocument, {
      input: { category: 'WHO_ELSE', text: 'Who at Acme should I meet?' },
    });
    expect((await bob.ok(QuestionDocument, { id: q.id })).question).toBeNull();
    const update = await bob.run(UpdateQuestionDocument, { id: q.id, input: { text: 'Mine now' } });
    expect(errorOf(update)).toMatchObject({ message: 'Question not found', extensions: { code: 'NOT_FOUND' } });
    const del = await bob.run(DeleteQuestionDocument, { id: q.id });
    expect(errorOf(del)).toMatchObject({ message: 'Question not found', extensions: { code: 'NOT_FOUND' } });
    expect(texts(await bank(bob, { search: 'acme' }))).toEqual([]);
    expect((await ada.ok(QuestionDocument, { id: q.id })).question).toEqual(q);
  });
});

describe('restoreDefaultQuestions', () => {
  it('adds back only the deleted defaults, keeps edits, and is idempotent', async () => {
    const user = await signedInUser(app.url);
    const defaults = await bank(user);
    const [gone1, gone2, edited] = defaults;
    await user.ok(DeleteQuestionDocument, { id: gone1.id });
    await user.ok(DeleteQuestionDocument, { id: gone2.id });
    await user.ok(UpdateQuestionDocument, { id: edited.id, input: { category: 'OTHER', text: 'My own wording?' } });
    const { createQuestion: own } = await user.ok(CreateQuestionDocument, {
      input: { category: 'ADVICE', text: 'What should I read next?' },
    });

    expect(await user.ok(RestoreDefaultQuestionsDocument)).toEqual({ restoreDefaultQuestions: 2 });
    expect(await user.ok(RestoreDefaultQuestionsDocument)).toEqual({ restoreDefaultQuestions: 0 });

    const after = await bank(user);
    expect(after).toHaveLength(DEFAULT_QUESTIONS.length + 1);
    const byText = new Map(after.map((q) => [q.text, q]));
    for (const restored of [gone1, gone2]) {
      expect(byText.get(restored.text)).toMatchObject({ category: restored.category, isDefault: true });
      expect(byText.get(restored.text)?.id).not.toBe(restored.id);
    }
    expect(byText.get('My own wording?')).toMatchObject({ id: edited.id, category: 'OTHER', isDefault: true });
    expect(byText.has(edited.text)).toBe(false);
    expect(byText.get(own.text)).toMatchObject({ id: own.id, isDefault: false });
    const [{ count }] = await app.infra.ds.query('SELECT count(*)::int AS count FROM questions WHERE user_id = $1', [
      user.user.id,
    ]);
    expect(count).toBe(DEFAULT_QUESTIONS.length + 1);
  });
});
