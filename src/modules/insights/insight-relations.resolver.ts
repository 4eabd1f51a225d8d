import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../app/context';
import type { LoadersOf } from '../../core/graphql/loaders';
import type { ChildFilter, ChildPageRead, InlinePages } from '../../core/graphql/pages-by-parent';
import { BackwardPageArgs, type KeysetOrder, type Page } from '../../core/graphql/pagination';
import { prefetchPage, type PagePrefetch } from '../../core/graphql/prefetch';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Commitment } from './commitment.entity';
import { Insight } from './insight.entity';
import { JobLead } from './job-lead.entity';
import { CommitmentConnection } from './commitment.resolver';
import {
  commitmentFilterSql,
  insightFilterSql,
  jobLeadFilterSql,
  RelatedCommitmentFilter,
  RelatedInsightFilter,
  RelatedJobLeadFilter,
} from './insight-relations.inputs';
import {
  COMMITMENTS_NEWEST,
  COMMITMENTS_OLDEST,
  INSIGHTS_NEWEST,
  INSIGHTS_OLDEST,
  JOB_LEADS_NEWEST,
  JOB_LEADS_OLDEST,
  type insightLoaders,
} from './insight.loaders';
import { InsightConnection } from './insight.resolver';
import { JobLeadConnection } from './job-lead.resolver';

// The insights feature's parts of the Meeting, Contact and Organisation types.

@Resolver(() => Meeting)
export class MeetingInsightsResolver {
  @FieldResolver(() => InsightConnection, { description: 'What was learned in this meeting, oldest first.' })
  insights(
    @Root() meeting: Meeting,
    @Args() page: BackwardPageArgs,
    @Ctx() { loaders }: Context,
  ): Promise<Page<Insight>> {
    return loaders.insightPagesByMeeting(meeting.id, page, INSIGHTS_OLDEST);
  }

  @FieldResolver(() => CommitmentConnection, { description: 'Promises made in this meeting, oldest first.' })
  commitments(
    @Root() meeting: Meeting,
    @Args() page: BackwardPageArgs,
    @Ctx() { loaders }: Context,
  ): Promise<Page<Commitment>> {
    return loaders.commitmentPagesByMeeting(meeting.id, page, COMMITMENTS_OLDEST);
  }

  @FieldResolver(() => JobLeadConnection, { description: 'Openings heard of in this meeting, oldest first.' })
  jobLeads(
    @Root() meeting: Meeting,
    @Args() page: BackwardPageArgs,
    @Ctx() { loaders }: Context,
  ): Promise<Page<JobLead>> {
    return loaders.jobLeadPagesByMeeting(meeting.id, page, JOB_LEADS_OLDEST);
  }
}

// Under a page of contacts or organisations, each level is one statement for every parent
// (pagesByParent); a page from a cursor reads that one parent's list.

type InsightLoaders = LoadersOf<typeof insightLoaders>;

/** A first page (no cursor) of a list below a contact or an organisation, as its field asks for it. */
function firstPage<T, F>(
  pages: (loaders: InsightLoaders) => InlinePages<ChildPageRead<T>>,
  order: KeysetOrder<T>,
  filterSql: (filter: F | null | undefined) => ChildFilter,
): PagePrefetch {
  return prefetchPage(pages, (args): ChildPageRead<T> | null => {
    if (args.after != null || args.before != null) return null;
    const page = { first: args.first as number | null, last: args.last as number | null | undefined };
    return { page, order, filter: filterSql(args.filter as F | null) };
  });
}

// The same pages the fields below ask, read inside `contact(id)`'s statement (core/graphql/prefetch.ts).
export const contactInsightsPrefetch = firstPage((l) => l.insightPagesByContact, INSIGHTS_NEWEST, insightFilterSql);
export const contactCommitmentsPrefetch = firstPage(
  (l) => l.commitmentPagesByContact,
  COMMITMENTS_NEWEST,
  commitmentFilterSql,
);
export const organisationJobLeadsPrefetch = firstPage(
  (l) => l.jobLeadPagesByOrganisation,
  JOB_LEADS_NEWEST,
  jobLeadFilterSql,
);

@Resolver(() => Contact)
export class ContactInsightsResolver {
  @FieldResolver(() => InsightConnection, { description: 'What you learned from or about this contact, newest first.' })
  insights(
    @Root() contact: Contact,
    @Args() page: BackwardPageArgs,
    @Arg('filter', () => RelatedInsightFilter, { nullable: true }) filter: RelatedInsightFilter | null,
    @Ctx() { loaders }: Context,
  ): Promise<Page<Insight>> {
    return loaders.insightPagesByContact(contact.id, page, INSIGHTS_NEWEST, insightFilterSql(filter));
  }

  @FieldResolver(() => CommitmentConnection, {
    description: 'Promises between you and this contact, newest first.',
  })
  commitments(
    @Root() contact: Contact,
    @Args() page: BackwardPageArgs,
    @Arg('filter', () => RelatedCommitmentFilter, { nullable: true }) filter: RelatedCommitmentFilter | null,
    @Ctx() { loaders }: Context,
  ): Promise<Page<Commitment>> {
    return loaders.commitmentPagesByContact(contact.id, page, COMMITMENTS_NEWEST, commitmentFilterSql(filter));
  }
}

@Resolver(() => Organisation)
export class OrganisationInsightsResolver {
  @FieldResolver(() => InsightConnection, {
    description: 'Everything learned about this organisation, newest first.',
  })
  insights(
    @Root() org: Organisation,
    @Args() page: BackwardPageArgs,
    @Arg('filter', () => RelatedInsightFilter, { nullable: true }) filter: RelatedInsightFilter | null,
    @Ctx() { loaders }: Context,
  ): Promise<Page<Insight>> {
    return loaders.insightPagesByOrganisation(org.id, page, INSIGHTS_NEWEST, insightFilterSql(filter));
  }

  @FieldResolver(() => JobLeadConnection, { description: 'Openings at this organisation, newest first.' })
  jobLeads(
    @Root() org: Organisation,
    @Args() page: BackwardPageArgs,
    @Arg('filter', () => RelatedJobLeadFilter, { nullable: true }) filter: RelatedJobLeadFilter | null,
    @Ctx() { loaders }: Context,
  ): Promise<Page<JobLead>> {
    return loaders.jobLeadPagesByOrganisation(org.id, page, JOB_LEADS_NEWEST, jobLeadFilterSql(filter));
  }
}
