import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
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
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import { Node } from '../../core/graphql/node';

export enum MeetingStatus {
  SCHEDULED = 'SCHEDULED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  NO_SHOW = 'NO_SHOW',
}
registerEnumType(MeetingStatus, { name: 'MeetingStatus' });

@ObjectType({
  implements: Node,
  description: 'An informational interview with a contact.',
  simpleResolvers: true,
})
@Entity('meetings')
// (user_id, updated_at): updatedSince (offline sync); created with its trigger in migration 0250.
@Index('meetings_user_id_updated_at_idx', { synchronize: false })
@Index('meetings_user_id_starts_at_idx', ['userId', 'startsAt', 'id'])
export class Meeting {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  /** Null once the contact is deleted; contactName keeps the notes readable. */
  @Index('meetings_contact_id_idx')
  @Column('uuid', { nullable: true })
  contactId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Field({ description: 'The contact’s name when the meeting was planned (kept if the contact is deleted).' })
  @Column('text')
  contactName: string;

  @Index('meetings_organisation_id_idx')
  @Column('uuid', { nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Relation<Organisation>;

  @Field()
  @Column('text')
  title: string;

  @Field(() => Date)
  @Column('timestamptz')
  startsAt: Date;

  @Field(() => Date)
  @Column('timestamptz')
  endsAt: Date;

  @Field({ description: 'IANA time zone the meeting was planned in.' })
  @Column('text')
  timezone: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  location: string | null;

  @Field(() => String, { nullable: true, description: 'https link to the call.' })
  @Column('text', { nullable: true })
  videoUrl: string | null;

  @Field(() => MeetingStatus)
  @Column({ type: 'enum', enum: MeetingStatus, enumName: 'meeting_status', default: MeetingStatus.SCHEDULED })
  status: MeetingStatus;

  @Field({ description: 'Planned knowing it overlaps another meeting.' })
  @Column('boolean', { default: false })
  allowOverlap: boolean;

  @Field({ description: 'Whether a thank-you email goes to the contact after the meeting.' })
  @Column('boolean', { default: true })
  sendThankYou: boolean;

  @Field({ description: 'Whether a follow-up email goes to the contact weeks later.' })
  @Column('boolean', { default: true })
  sendFollowUp: boolean;

  @Field(() => String, { nullable: true, description: 'Preparation and debrief notes.' })
  @Column('text', { nullable: true })
  notes: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  cancelReason: string | null;

  /** Bumped on every reschedule or cancel, so calendar clients replace the invitation (.ics SEQUENCE). */
  @Column('integer', { default: 0 })
  icsSequence: number;

  @Field(() => Date, { nullable: true, description: 'When it was marked completed, cancelled or no-show.' })
  @Column('timestamptz', { nullable: true })
  closedAt: Date | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
