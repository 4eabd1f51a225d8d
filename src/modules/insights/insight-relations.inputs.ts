import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import type { ChildFilter } from '../../core/graphql/pages-by-parent';
import { Topic } from '../questions/topic';
import { CommitmentOwner } from './commitment.entity';
import { JobLeadStatus } from './job-lead.entity';

// Filters of the lists under a contact or an organisation. Each becomes SQL over the child
// list's alias (see pagesByParent), with its values as parameters.

@InputType({ description: 'Narrows the insights under a contact or an organisation.' })
export class RelatedInsightFilter {
  @Field(() => [Topic], { nullable: true, description: 'Insights in any of these categories.' })
  @IsOptional()
  @ArrayMaxSize(Object.keys(Topic).length)
  categories?: Topic[] | null;
}

export function insightFilterSql(filter: RelatedInsightFilter | null | undefined): ChildFilter {
  if (!filter?.categories?.length) return { where: [], values: [] };
  return { where: ['i.category = ANY($1::topic[])'], values: [filter.categories] };
}

@InputType({ description: 'Narrows the promises between you and a contact.' })
export class RelatedCommitmentFilter {
  @Field(() => Boolean, { nullable: true, description: 'true: only kept promises; false: only open ones.' })
  done?: boolean | null;

  @Field(() => [CommitmentOwner], { nullable: true, description: 'Promises made by any of these (ME, CONTACT).' })
  @IsOptional()
  @ArrayMaxSize(Object.keys(CommitmentOwner).length)
  owners?: CommitmentOwner[] | null;
}

export function commitmentFilterSql(filter: RelatedCommitmentFilter | null | undefined): ChildFilter {
  const where: string[] = [];
  const values: unknown[] = [];
  if (typeof filter?.done === 'boolean') where.push(filter.done ? 'c.done_at IS NOT NULL' : 'c.done_at IS NULL');
  if (filter?.owners?.length) {
    values.push(filter.owners);
    where.push(`c.owner = ANY($${values.length}::commitment_owner[])`);
  }
  return { where, values };
}

@InputType({ description: 'Narrows the job leads at an organisation.' })
export class RelatedJobLeadFilter {
  @Field(() => [JobLeadStatus], { nullable: true, description: 'Leads in any of these statuses.' })
  @IsOptional()
  @ArrayMaxSize(Object.keys(JobLeadStatus).length)
  statuses?: JobLeadStatus[] | null;
}

export function jobLeadFilterSql(filter: RelatedJobLeadFilter | null | undefined): ChildFilter {
  if (!filter?.statuses?.length) return { where: [], values: [] };
  return { where: ['l.status = ANY($1::job_lead_status[])'], values: [filter.statuses] };
}
