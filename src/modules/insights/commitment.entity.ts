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
import { LocalDate } from '../../core/graphql/calendar.scalars';
import { Node } from '../../core/graphql/node';

export enum CommitmentOwner {
  ME = 'ME',
  CONTACT = 'CONTACT',
}
registerEnumType(CommitmentOwner, { name: 'CommitmentOwner', description: 'Who made the promise.' });

@ObjectType({
  implements: Node,
  description: 'A promise ("send her my portfolio"), by you or by the contact, in a meeting or on its own.',
  simpleResolvers: true,
})
@Entity('commitments')
// (user_id, updated_at): updatedSince (offline sync); created with its trigger in migration 0250.
@Index('commitments_user_id_updated_at_idx', { synchronize: false })
// (user_id, coalesce(due_on, 'infinity'), id): the list's order; created in migration 0008.
@Index('commitments_user_id_due_on_idx', { synchronize: false })
// (due_on) WHERE owner = 'ME' AND done_at IS NULL: where reminders start; created in migration 0121.
@Index('commitments_open_due_on_idx', { synchronize: false })
export class Commitment {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  /** The meeting the promise was made in; null for one recorded on its own. */
  @Index('commitments_meeting_id_idx')
  @Column('uuid', { nullable: true })
  meetingId: string | null;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Relation<Meeting>;

  @Index('commitments_contact_id_idx')
  @Column('uuid', { nullable: true })
  contactId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Field(() => CommitmentOwner)
  @Column({ type: 'enum', enum: CommitmentOwner, enumName: 'commitment_owner' })
  owner: CommitmentOwner;

  @Field()
  @Column('text')
  description: string;

  @Field(() => LocalDate, { nullable: true, description: 'Due date, in your time zone.' })
  @Column('date', { nullable: true })
  dueOn: string | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { nullable: true })
  doneAt: Date | null;

  @Field()
  get done(): boolean {
    return this.doneAt !== null;
  }

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { description: 'When it last changed (offline sync: updatedSince).' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
