import type { FeatureModule } from '../../core/feature';
import { Commitment } from './commitment.entity';
import {
  ContactInsightsResolver,
  MeetingInsightsResolver,
  OrganisationInsightsResolver,
} from './insight-relations.resolver';
import { InsightEditingResolver } from './insight-editing.resolver';
import { Insight } from './insight.entity';
import { insightLoaders } from './insight.loaders';
import { CommitmentFieldsResolver, InsightResolver, JobLeadFieldsResolver } from './insight.resolver';
import { JobLead } from './job-lead.entity';
import { OrganisationComparisonResolver } from './organisation-comparison.resolver';

export const insightsModule = {
  name: 'insights',
  entities: [Insight, Commitment, JobLead],
  resolvers: [
    InsightResolver,
    InsightEditingResolver,
    OrganisationComparisonResolver,
    CommitmentFieldsResolver,
    JobLeadFieldsResolver,
    MeetingInsightsResolver,
    ContactInsightsResolver,
    OrganisationInsightsResolver,
  ],
  loaders: insightLoaders,
} satisfies FeatureModule;
