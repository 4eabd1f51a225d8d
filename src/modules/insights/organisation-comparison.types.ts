import { Field, Int, ObjectType } from 'type-graphql';
import { Organisation } from '../organisations/organisation.entity';
import { Topic } from '../questions/topic';
import { Insight } from './insight.entity';

@ObjectType({ description: 'What was learned at one organisation in one category.', simpleResolvers: true })
export class ComparisonCell {
  @Field(() => Organisation)
  organisation: Organisation;

  @Field(() => Int, { description: 'Every insight in this cell (the list holds the latest few).' })
  count: number;

  @Field(() => [Insight], { description: 'The latest insights, newest first (at most perCategory).' })
  insights: Insight[];
}

@ObjectType({ description: 'One category across the organisations, in their order.', simpleResolvers: true })
export class ComparisonRow {
  @Field(() => Topic)
  category: Topic;

  @Field(() => [ComparisonCell])
  cells: ComparisonCell[];
}

@ObjectType({
  description: 'The categories nothing has been learned in yet, at one organisation.',
  simpleResolvers: true,
})
export class OrganisationGaps {
  @Field(() => Organisation)
  organisation: Organisation;

  @Field(() => [Topic])
  categories: Topic[];
}

@ObjectType({
  description: 'Insights side by side: a row per category, a cell per organisation.',
  simpleResolvers: true,
})
export class OrganisationComparison {
  @Field(() => [Organisation], {
    description: 'The columns, in the order asked (or by most learned, for an industry).',
  })
  organisations: Organisation[];

  @Field(() => Int, {
    description: 'Organisations that matched the industry (at most 10 are compared); else the ids given.',
  })
  matchedCount: number;

  @Field(() => [ComparisonRow], { description: 'One row per category compared, in the Topic order.' })
  rows: ComparisonRow[];

  @Field(() => [OrganisationGaps], {
    description: 'Per organisation, the compared categories with nothing learned yet.',
  })
  gaps: OrganisationGaps[];
}
