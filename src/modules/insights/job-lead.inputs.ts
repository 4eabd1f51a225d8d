import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Label, LIMITS, Notes, WebUrl, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { JobLeadStatus } from './job-lead.entity';
import { LocalDate } from '../../core/graphql/calendar.scalars';

export enum JobLeadSort {
  DEADLINE_ASC = 'DEADLINE_ASC',
  CREATED_AT_ASC = 'CREATED_AT_ASC',
  CREATED_AT_DESC = 'CREATED_AT_DESC',
}
registerEnumType(JobLeadSort, {
  name: 'JobLeadSort',
  valuesConfig: {
    DEADLINE_ASC: { description: 'Soonest deadline first; leads without one last.' },
    CREATED_AT_ASC: { description: 'Oldest recorded first.' },
    CREATED_AT_DESC: { description: 'Most recently recorded first.' },
  },
});

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

  @Field(() => LocalDate, { nullable: true, description: 'Last day to apply, in your time zone.' })
  @IsOptional()
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

  @Field(() => LocalDate, { nullable: true, description: 'Last day to apply; null clears it.' })
  @IsOptional()
  deadline?: string | null;

  @Field(() => ID, { nullable: true })
  organisationId?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  referredById?: string | null;
}
