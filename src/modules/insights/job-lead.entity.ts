import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { Contact } from '../contacts/contact.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { LocalDate } from '../../core/graphql/calendar.scalars';
import { Node } from '../../core/graphql/node';

/** Where a lead stands; the order is the pipeline's (docs/network.md § Job leads). */
export enum JobLeadStatus {
  INTERESTED = 'INTERESTED',
  APPLIED = 'APPLIED',
  INTERVIEWING = 'INTERVIEWING',
  OFFER = 'OFFER',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(JobLeadStatus, {
  name: 'JobLeadStatus',
  description: 'INTERESTED → APPLIED → INTERVIEWING → OFFER → ACCEPTED; REJECTED or WITHDRAWN from any open status.',
});

/** Statuses a lead is still moving in (reminded of its deadline). */
export const OPEN_JOB_LEAD_STATUSES: readonly JobLeadStatus[] = [
  JobLeadStatus.INTERESTED,
  JobLeadStatus.APPLIED,
  JobLeadStatus.INTERVIEWING,
  JobLeadStatus.OFFER,
];

/** One step of a lead's history, as stored in `status_history`. */
export interface JobLeadStatusStep {
  status: JobLeadStatus;
  /** ISO 8601 instant. */
  at: string;
}

@ObjectType({ description: 'A status a lead entered, and when.' })
export class JobLeadStatusChange {
  @Field(() => JobLeadStatus)
  status: JobLeadStatus;

  @Field(() => Date)
  at: Date;
}

@ObjectType({
  implements: Node,
  description: 'An opening you are pursuing, heard of in a meeting or found on your own.',
})
@Entity('job_leads')
// (user_id, updated_at): updatedSince (offline sync); created with its trigger in migration 0250.
@Index('job_leads_user_id_updated_at_idx', { synchronize: false })
// (user_id, coalesce(deadline, 'infinity'), id): the deadline order; created in migration 0120.
@Index('job_leads_user_id_deadline_idx', { synchronize: false })
// (deadline) WHERE the lead is open: where reminders start; created in migration 0121.
@Index('job_leads_open_deadline_idx', { synchronize: false })
@Index('job_leads_user_id_created_at_idx', ['userId', 'createdAt', 'id'])
export class JobLead {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  /** The meeting it was heard of in; null for one recorded on its own. */
  @Index('job_leads_meeting_id_idx')
  @Column('uuid', { nullable: true })
  meetingId: string | null;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Relation<Meeting>;

  @Index('job_leads_organisation_id_idx')
  @Column('uuid', { nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Relation<Organisation>;

  /** The contact it came from (the meeting's, for a debrief's lead). */
  @Index('job_leads_contact_id_idx')
  @Column('uuid', { nullable: true })
  contactId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Index('job_leads_referred_by_id_idx')
  @Column('uuid', { nullable: true })
  referredById: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'referred_by_id' })
  referredBy?: Relation<Contact>;

  @Field()
  @Column('text')
  title: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  url: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  notes: string | null;

  @Field(() => JobLeadStatus)
  @Column({ type: 'enum', enum: JobLeadStatus, enumName: 'job_lead_status', default: JobLeadStatus.INTERESTED })
  status: JobLeadStatus;

  @Field(() => Date, { description: 'When the status last changed.' })
  @Column('timestamptz', { default: () => 'now()' })
  statusChangedAt: Date;

  /** Every status the lead entered, oldest first (capped: see job-lead-pipeline.ts). */
  @Column('jsonb')
  statusHistory: JobLeadStatusStep[];

  @Field(() => LocalDate, { nullable: true, description: 'Last day to apply, in your time zone.' })
  @Column('date', { nullable: true })
  deadline: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { description: 'When it last changed (offline sync: updatedSince).' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
