import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { Question } from './question.entity';
import { CreateQuestionInput, QuestionFilter, UpdateQuestionInput } from './question.inputs';

export const QuestionConnection = Connection(Question, 'Question');

@Resolver(() => Question)
export class QuestionResolver {
  @Authorized()
  @Query(() => QuestionConnection, {
    description:
      'Your question bank, a page at a time: by category in interview order (ENTRY_PATHS first, ADVICE then OTHER last), then oldest first.',
  })
  questions(
    @Args() page: PageArgs,
    @Arg('filter', () => QuestionFilter, { nullable: true }) filter: QuestionFilter | null,
    @Ctx() { user, services }: Context,
  ): Promise<Page<Question>> {
    return services.questions.list(user!, filter ?? {}, page);
  }

  @Authorized()
  @Query(() => Question, { nullable: true, description: 'null when it does not exist or is not yours.' })
  question(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<Question | null> {
    return services.questions.get(user!, id);
  }

  @Authorized()
  @Mutation(() => Question, { description: 'Adds a question to your bank, for agendas to come.' })
  createQuestion(@Arg('input') input: CreateQuestionInput, @Ctx() { user, services }: Context): Promise<Question> {
    return services.questions.create(user!, input);
  }

  @Authorized()
  @Mutation(() => Question, {
    description: 'Edits a question of your bank; agendas already planned keep their own copy of its text.',
  })
  updateQuestion(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateQuestionInput,
    @Ctx() { user, services }: Context,
  ): Promise<Question> {
    return services.questions.update(user!, id, input);
  }

  @Authorized()
  @Mutation(() => ID, {
    description: 'Deletes it; meeting agendas keep their own copy of its text. Returns the id.',
  })
  deleteQuestion(@Arg('id', () => ID) id: string, @Ctx() { user, services }: Context): Promise<string> {
    return services.questions.delete(user!, id);
  }

  @Authorized()
  @Mutation(() => Int, {
    description: 'Adds back the default questions you deleted (edited ones are kept); returns how many.',
  })
  restoreDefaultQuestions(@Ctx() { user, services }: Context): Promise<number> {
    return services.questions.restoreDefaults(user!);
  }
}
