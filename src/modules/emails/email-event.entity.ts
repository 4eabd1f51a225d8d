import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { EMAIL_EVENT_TYPES_SQL, EmailEventType } from './email-event-type';
import { ScheduledEmail } from './scheduled-email.entity';
import { Node } from '../../core/graphql/node';

/** One step in an email's history: planned, moved, claimed, sent, retried, failed… */
@ObjectType({
  implements: Node,
  description: 'One step in the history of a planned email.',
})
@Entity('email_events')
@Check('email_events_event_check', `"event" IN (${EMAIL_EVENT_TYPES_SQL})`)
export class EmailEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @Index('email_events_scheduled_email_id_idx')
  @Column('uuid')
  scheduledEmailId: string;

  @ManyToOne(() => ScheduledEmail, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scheduled_email_id' })
  scheduledEmail?: Relation<ScheduledEmail>;

  @Field(() => EmailEventType)
  @Column('text')
  event: EmailEventType;

  @Field(() => Int)
  @Column('integer', { default: 0 })
  attempt: number;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  detail: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
