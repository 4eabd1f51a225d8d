import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { IsoDate, Label, LIMITS, Notes, WebUrl, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { JobLeadStatus } from './job-lead.entity';

export enum JobLeadSort {
  /** Soonest deadline first; leads without one last. */
  DEADLINE = 'DEADLINE',
  /** Most recently recorded first. */
  NEWEST = 'NEWEST',
}
registerEnumType(JobLeadSort, { name: 'JobLeadSort' });

@InputType()
export class JobLeadFilter {
  @Field(() => [JobLeadStatus], { nullable: true, description: 'Leads in any of these statuses.' })
  @IsOptional()
  @ArrayMaxSize(7)
  statuses?: JobLeadStatus[] | null;

  @Field(() => ID, { nullable: true })
  organisationId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Leads this contact gave you or referred you to.' })
  contactId?: string | null;

  @Field(() => Date, { nullable: true, description: UPDATED_SINCE_DESCRIPTION })
  updatedSince?: Date | null;
}

@InputType({ description: 'A lead recorded on its own, or added to a meeting after its debrief.' })
export class CreateJobLeadInput {
  @Field()
  @Label()
  title: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @WebUrl()
  @Notes(LIMITS.url)
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  notes?: string | null;

  @Field(() => JobLeadStatus, { nullable: true, description: 'Where it stands now; defaults to INTERESTED.' })
  status?: JobLeadStatus | null;

  @Field(() => String, { nullable: true, description: 'Last day to apply (YYYY-MM-DD), in your time zone.' })
  @IsOptional()
  @IsoDate()
  deadline?: string | null;

  @Field(() => ID, { nullable: true, description: 'Defaults to the meeting’s organisation.' })
  organisationId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Who told you of it; defaults to the meeting’s contact.' })
  contactId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The contact who referred you for it.' })
  referredById?: string | null;

  @Field(() => ID, { nullable: true, description: 'The meeting you heard of it in (one of yours).' })
  meetingId?: string | null;
}

@InputType({ description: 'Only the fields given change; null clears an optional one.' })
export class UpdateJobLeadInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label()
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @WebUrl()
  @Notes(LIMITS.url)
  url?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  notes?: string | null;

  @Field(() => JobLeadStatus, { nullable: true, description: 'A move along the pipeline (docs/network.md).' })
  status?: JobLeadStatus | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsoDate()
  deadline?: string | null;

  @Field(() => ID, { nullable: true })
  organisationId?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  referredById?: string | null;
}
