import { ArrayMaxSize, IsOptional } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { EmailEventType } from '../emails/email-event-type';
import { EmailKind, EmailStatus } from '../emails/email-kind';
import { SuppressionReason } from '../emails/email-suppression.entity';

@ObjectType({ description: 'One step of an email’s history, as an administrator sees it.' })
export class AdminEmailEvent {
  @Field(() => EmailEventType)
  event: EmailEventType;

  @Field(() => Int)
  attempt: number;

  @Field(() => String, { nullable: true })
  detail: string | null;

  @Field(() => Date)
  at: Date;
}

@ObjectType({
  description:
    'A scheduled email as an administrator sees it: its delivery state and history. No subject or body (they speak of the user’s contacts and meetings).',
})
export class AdminScheduledEmail {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  userId: string;

  @Field()
  userEmail: string;

  @Field(() => EmailKind)
  kind: EmailKind;

  @Field(() => EmailStatus)
  status: EmailStatus;

  @Field({ description: 'The recipient’s address (what a bounce or a suppression is about).' })
  toEmail: string;

  @Field(() => Date)
  sendAt: Date;

  @Field(() => Int)
  attempts: number;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => String, { nullable: true, description: 'The SMTP server’s last reply.' })
  smtpResponse: string | null;

  @Field(() => String, { nullable: true })
  heldReason: string | null;

  @Field(() => String, { nullable: true })
  cancelReason: string | null;

  @Field(() => Date, { nullable: true, description: 'While SENDING: when the worker’s lease ends.' })
  leaseExpiresAt: Date | null;

  @Field({ description: 'SENDING past its lease: the reconciler will release it or mark it UNCERTAIN.' })
  stuck: boolean;

  @Field({ description: 'PENDING, not held, and more than a minute past its time.' })
  overdue: boolean;

  @Field(() => [AdminEmailEvent], { description: 'Oldest first; at most the last 50 events.' })
  history: AdminEmailEvent[];
}

@InputType()
export class AdminScheduledEmailFilter {
  @Field(() => [EmailStatus], {
    nullable: true,
    description: 'Default: the rows that need a look — FAILED, UNCERTAIN, SENDING past its lease and overdue PENDING.',
  })
  @IsOptional()
  @ArrayMaxSize(10)
  statuses?: EmailStatus[] | null;

  @Field(() => [EmailKind], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  kinds?: EmailKind[] | null;

  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only PENDING rows more than a minute past their time.' })
  overdue?: boolean | null;
}

@ObjectType({ description: 'An address Rapport never mails, and why.' })
export class AdminSuppression {
  @Field()
  email: string;

  @Field(() => SuppressionReason)
  reason: SuppressionReason;

  @Field(() => String, { nullable: true, description: 'The bounce or the unsubscribe that caused it.' })
  detail: string | null;

  @Field(() => Date)
  createdAt: Date;
}
