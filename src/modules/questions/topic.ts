import { registerEnumType } from 'type-graphql';

/**
 * What a question asks about, and what an insight is about: one list, so answers and insights
 * line up side by side when organisations are compared.
 */
export enum Topic {
  ENTRY_PATHS = 'ENTRY_PATHS',
  DAY_TO_DAY = 'DAY_TO_DAY',
  SKILLS_AND_TRAINING = 'SKILLS_AND_TRAINING',
  SALARY = 'SALARY',
  CULTURE = 'CULTURE',
  ADVANCEMENT = 'ADVANCEMENT',
  INDUSTRY_TRENDS = 'INDUSTRY_TRENDS',
  HIRING_CHANNELS = 'HIRING_CHANNELS',
  EVENTS = 'EVENTS',
  WHO_ELSE = 'WHO_ELSE',
  ADVICE = 'ADVICE',
  OTHER = 'OTHER',
}
registerEnumType(Topic, {
  name: 'Topic',
  description: 'Category of a question or an insight: entry paths, day-to-day work, skills, salary, culture, …',
});
