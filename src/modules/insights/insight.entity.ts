import { Field, ID, ObjectType } from 'type-graphql';
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
import { Topic } from '../questions/topic';
import { Node } from '../../core/graphql/node';

@ObjectType({
  implements: Node,
  description: 'Something learned in a meeting, by topic, for comparing organisations.',
  simpleResolvers: true,
})
@Entity('insights')
// (user_id, updated_at): updatedSince (offline sync); created with its trigger in migration 0250.
@Index('insights_user_id_updated_at_idx', { synchronize: false })
// (user_id, created_at, id): the list's order; created in migration 0008.
@Index('insights_user_id_created_at_idx', { synchronize: false })
export class Insight {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  /** Null for an insight added on its own, about a contact or an organisation (createInsight). */
  @Index('insights_meeting_id_idx')
  @Column('uuid', { nullable: true })
  meetingId: string | null;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Relation<Meeting>;

  @Index('insights_organisation_id_idx')
  @Column('uuid', { nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Relation<Organisation>;

  @Index('insights_contact_id_idx')
  @Column('uuid', { nullable: true })
  contactId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Field(() => Topic)
  @Column({ type: 'enum', enum: Topic, enumName: 'topic' })
  category: Topic;

  @Field()
  @Column('text')
  text: string;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { description: 'When it last changed (offline sync: updatedSince).' })
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
