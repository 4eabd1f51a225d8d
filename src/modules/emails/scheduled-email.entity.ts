import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { User } from '../users/user.entity';
import { EmailKind, EmailStatus } from './email-kind';
import { Node } from '../../core/graphql/node';

/**
 * The outbox: every planned email is a row here, written in the same transaction as the change
 * that caused it. Redis only holds a timer pointing at the row.
 */
@ObjectType({
  implements: Node,
  description: 'An email Rapport plans to send, is sending or has sent.',
})
@Entity('scheduled_emails')
// (user_id, updated_at): updatedSince (offline sync); created with its trigger in migration 0250.
@Index('scheduled_emails_user_id_updated_at_idx', { synchronize: false })
@Index('scheduled_emails_user_id_dedupe_key_key', ['userId', 'dedupeKey'], { unique: true })
// (status, send_at) of open rows only (PENDING, SENDING, UNCERTAIN, FAILED): the reconciler, the
// overdue gauges, queue health, the admin list; partial, so a row that is sent leaves it (migration 0360).
@Index('scheduled_emails_open_status_send_at_idx', { synchronize: false })
@Index('scheduled_emails_user_id_send_at_idx', ['userId', 'sendAt', 'id'])
export class ScheduledEmail {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Index('scheduled_emails_meeting_id_idx')
  @Column('uuid', { nullable: true })
  meetingId: string | null;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Relation<Meeting>;

  @Index('scheduled_emails_contact_id_idx')
  @Column('uuid', { nullable: true })
  contactId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Field(() => EmailKind)
  @Column({ type: 'enum', enum: EmailKind, enumName: 'email_kind' })
  kind: EmailKind;

  /** What makes this email unique for its user, e.g. `meeting:<id>:THANK_YOU:0`; planning twice is a no-op. */
  @Column('text')
  dedupeKey: string;

  @Field({ description: 'The recipient’s address (toName is their name, when known).' })
  @Column('text')
  toEmail: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  toName: string | null;

  @Field({ description: 'The subject as planned (refreshed when the plan changes and when sent).' })
  @Column('text')
  subject: string;

  /** The user's own subject, replacing the template's; null to use the template. */
  @Column('text', { nullable: true })
  subjectOverride: string | null;

  /** The user's own body (plain text with variables), replacing the template's. */
  @Column('text', { nullable: true })
  bodyOverride: string | null;

  @Field(() => Date, { description: 'When it is due (inside the sending window).' })
  @Column('timestamptz')
  sendAt: Date;

  @Field(() => EmailStatus)
  @Column({ type: 'enum', enum: EmailStatus, enumName: 'email_status', default: EmailStatus.PENDING })
  status: EmailStatus;

  @Field(() => Int, { description: 'SMTP attempts so far.' })
  @Column('integer', { default: 0 })
  attempts: number;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  lastError: string | null;

  /** Which worker holds the row while it is SENDING, and until when. */
  @Column('text', { nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { nullable: true })
  leaseExpiresAt: Date | null;

  /** Set just before the message is handed to SMTP: a lease lost after this point is UNCERTAIN. */
  @Column('timestamptz', { nullable: true })
  smtpStartedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  sentAt: Date | null;

  @Field({ description: 'The Message-ID header, fixed when the email is planned.' })
  @Index('scheduled_emails_message_id_key', { unique: true })
  @Column('text')
  messageId: string;

  @Field(() => String, { nullable: true, description: 'The SMTP server’s last reply.' })
  @Column('text', { nullable: true })
  smtpResponse: string | null;

  /** Why it was cancelled: BY_USER (never revived by re-planning), PLAN_CHANGED, MEETING_CANCELLED, … */
  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  cancelReason: string | null;

  /**
   * Why a PENDING email waits instead of going out at sendAt: EMAIL_NOT_VERIFIED while its
   * account's address is not verified (set by a database trigger; cleared by verification).
   */
  @Field(() => String, {
    nullable: true,
    description:
      'Why this PENDING email waits: EMAIL_NOT_VERIFIED (mail to contacts goes out once your address is verified). Null when nothing holds it.',
  })
  @Index('scheduled_emails_held_idx', { synchronize: false })
  @Column('text', { nullable: true })
  heldReason: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
