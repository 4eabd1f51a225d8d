import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { Label, LIMITS, Notes, UPDATED_SINCE_DESCRIPTION } from '../../core/inputs';
import { EmailKind, EmailStatus } from './email-kind';

@InputType()
export class ScheduledEmailFilter {
  @Field(() => [EmailStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(7)
  statuses?: EmailStatus[] | null;

  @Field(() => [EmailKind], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(6)
  kinds?: EmailKind[] | null;

  @Field(() => ID, { nullable: true })
  meetingId?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Due at or after this instant.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Due before this instant.' })
  to?: Date | null;

  @Field(() => Date, { nullable: true, description: UPDATED_SINCE_DESCRIPTION })
  updatedSince?: Date | null;
}

export enum ScheduledEmailSort {
  SEND_AT_ASC = 'SEND_AT_ASC',
  SEND_AT_DESC = 'SEND_AT_DESC',
}
registerEnumType(ScheduledEmailSort, {
  name: 'ScheduledEmailSort',
  valuesConfig: {
    SEND_AT_ASC: { description: 'Next due first.' },
    SEND_AT_DESC: { description: 'Latest due first.' },
  },
});

@InputType({ description: 'Edits a PENDING email. null clears an override (back to the template).' })
export class UpdateScheduledEmailInput {
  @Field(() => String, { nullable: true, description: 'Subject with {{variables}}; one line.' })
  @IsOptional()
  @Label(200)
  subject?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Body: plain text with {{variables}} (for OUTREACH: your message, sent as written).',
  })
  @IsOptional()
  @Notes(LIMITS.notes)
  body?: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'A new time; a past time means now. Not moved into the sending window.',
  })
  sendAt?: Date | null;
}
