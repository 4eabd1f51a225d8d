import type { FeatureModule } from '../../core/feature';
import { Question } from './question.entity';
import { QuestionResolver } from './question.resolver';

export const questionsModule = {
  name: 'questions',
  entities: [Question],
  resolvers: [QuestionResolver],
} satisfies FeatureModule;
