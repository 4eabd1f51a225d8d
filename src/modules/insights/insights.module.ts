import type { FeatureModule } from '../../core/feature';
import { Commitment } from './commitment.entity';
import {
  contactCommitmentsPrefetch,
  contactInsightsPrefetch,
  ContactInsightsResolver,
  organisationJobLeadsPrefetch,
  MeetingInsightsResolver,
  OrganisationInsightsResolver,
} from './insight-relations.resolver';
import { InsightEditingResolver } from './insight-editing.resolver';
import { Insight } from './insight.entity';
import { insightLoaders } from './insight.loaders';
import { InsightResolver } from './insight.resolver';
import { CommitmentResolver } from './commitment.resolver';
import { JobLeadResolver } from './job-lead.resolver';
import { JobLead } from './job-lead.entity';
import { OrganisationComparisonResolver } from './organisation-comparison.resolver';

export const insightsModule = {
  name: 'insights',
  entities: [Insight, Commitment, JobLead],
  resolvers: [
    InsightResolver,
    InsightEditingResolver,
    OrganisationComparisonResolver,
    CommitmentResolver,
    JobLeadResolver,
    MeetingInsightsResolver,
    ContactInsightsResolver,
    OrganisationInsightsResolver,
  ],
  loaders: insightLoaders,
  prefetch: {
    pages: {
      Contact: { insights: contactInsightsPrefetch, commitments: contactCommitmentsPrefetch },
      Organisation: { jobLeads: organisationJobLeadsPrefetch },
    },
  },
} satisfies FeatureModule;
