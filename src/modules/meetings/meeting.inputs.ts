import { ArrayMaxSize, IsOptional, Matches, ValidateNested } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Label, LIMITS, Notes, WebUrl, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { IsIanaTimeZone } from '../../core/validation';
import { ReferralInput } from '../contacts/contact.inputs';
import { CommitmentInput, InsightInput, JobLeadInput } from '../insights/insight.inputs';
import { Topic } from '../questions/topic';
import { MeetingStatus } from './meeting.entity';

const HttpsUrl = () => Matches(/^https:\/\//i, { message: 'must be an https URL' });

// type-graphql turns nested inputs into instances of these classes, so @ValidateNested applies.

@InputType({ description: 'One agenda entry: a question from your bank, or your own words.' })
export class AgendaEntryInput {
  @Field(() => ID, { nullable: true, description: 'A question from your bank (its text is copied).' })
  questionId?: string | null;

  @Field(() => String, { nullable: true, description: 'An ad hoc question, when questionId is not given.' })
  @IsOptional()
  @Label(1000)
  text?: string | null;

  @Field(() => Topic, { nullable: true, description: 'For an ad hoc question; defaults to OTHER.' })
  category?: Topic | null;
}

@InputType()
export class ScheduleMeetingInput {
  @Field(() => ID)
  contactId: string;

  @Field(() => Date, { description: 'An instant (ISO 8601 with offset or Z).' })
  startsAt: Date;

  @Field(() => Date, { description: 'After startsAt, at most 12 hours later.' })
  endsAt: Date;

  @Field(() => String, { nullable: true, description: 'IANA zone the meeting is planned in; defaults to yours.' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string | null;

  @Field(() => String, { nullable: true, description: 'Defaults to "Informational interview with <contact>".' })
  @IsOptional()
  @Label()
  title?: string | null;

  @Field(() => ID, { nullable: true, description: 'Defaults to the contact’s organisation.' })
  organisationId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(LIMITS.shortText)
  location?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @WebUrl()
  @HttpsUrl()
  @Notes(LIMITS.url)
  videoUrl?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Questions from your bank, in agenda order (up to 30).' })
  @IsOptional()
  @ArrayMaxSize(30)
  questionIds?: string[] | null;

  @Field(() => [AgendaEntryInput], {
    nullable: true,
    description: 'More agenda entries, after questionIds (up to 30).',
  })
  @IsOptional()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  agenda?: AgendaEntryInput[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  notes?: string | null;

  @Field({ defaultValue: true })
  sendThankYou: boolean;

  @Field({ defaultValue: true })
  sendFollowUp: boolean;

  @Field({ defaultValue: false, description: 'Plan it even if it overlaps another meeting.' })
  allowOverlap: boolean;

  @Field({
    defaultValue: false,
    description: 'The contact had DECLINED and changed their mind: plan it and move them to SCHEDULED.',
  })
  reopenDeclined: boolean;
}

@InputType({ description: 'Only the fields given change; null or "" clears an optional field.' })
export class UpdateMeetingInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label()
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Label(LIMITS.shortText)
  location?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @WebUrl()
  @HttpsUrl()
  @Notes(LIMITS.url)
  videoUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  notes?: string | null;

  @Field(() => Boolean, { nullable: true })
  sendThankYou?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  sendFollowUp?: boolean | null;

  @Field(() => [AgendaEntryInput], {
    nullable: true,
    description: 'Replaces the whole agenda (scheduled meetings only; up to 60 entries).',
  })
  @IsOptional()
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  agenda?: AgendaEntryInput[] | null;
}

@InputType()
export class AgendaAnswerInput {
  @Field(() => ID)
  agendaItemId: string;

  @Field()
  @Notes()
  answer: string;
}

@InputType({ description: 'One answer to an agenda question: "" clears it.' })
export class SetAgendaAnswerInput extends AgendaAnswerInput {}

@InputType()
export class RescheduleMeetingInput {
  @Field(() => Date, { description: 'An instant (ISO 8601 with offset or Z).' })
  startsAt: Date;

  @Field(() => Date, { description: 'After startsAt, at most 12 hours later.' })
  endsAt: Date;

  @Field(() => String, { nullable: true, description: 'A new IANA zone; keeps the old one if omitted.' })
  timezone?: string | null;

  @Field({ defaultValue: false, description: 'Move it even if it then overlaps another meeting.' })
  allowOverlap: boolean;
}

@InputType()
export class CancelMeetingInput {
  @Field(() => String, { nullable: true, description: 'Kept with the meeting (up to 2000 characters).' })
  reason?: string | null;
}

@InputType({ description: 'The debrief: everything recorded when a meeting is marked completed.' })
export class CompleteMeetingInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Notes()
  notes?: string | null;

  @Field(() => [AgendaAnswerInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  answers?: AgendaAnswerInput[] | null;

  @Field(() => [InsightInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  insights?: InsightInput[] | null;

  @Field(() => [CommitmentInput], { nullable: true, description: 'Promises made, by you or by the contact.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  commitments?: CommitmentInput[] | null;

  @Field(() => [JobLeadInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  jobLeads?: JobLeadInput[] | null;

  @Field(() => [ReferralInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  referrals?: ReferralInput[] | null;
}

export enum MeetingSort {
  STARTS_AT_ASC = 'STARTS_AT_ASC',
  STARTS_AT_DESC = 'STARTS_AT_DESC',
}
registerEnumType(MeetingSort, {
  name: 'MeetingSort',
  valuesConfig: {
    STARTS_AT_ASC: { description: 'Soonest first.' },
    STARTS_AT_DESC: { description: 'Latest first.' },
  },
});

@InputType()
export class MeetingFilter {
  @Field(() => [MeetingStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  statuses?: MeetingStatus[] | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  organisationId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Meetings ending after this instant.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Meetings starting before this instant.' })
  to?: Date | null;

  @Field(() => Date, { nullable: true, description: UPDATED_SINCE_DESCRIPTION })
  updatedSince?: Date | null;
}
