import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { ScheduledEmail } from './scheduled-email.entity';
import { Node } from '../../core/graphql/node';

/** One step in an email's history: planned, moved, claimed, sent, retried, failed… */
@ObjectType({
  implements: Node,
  description: 'One step in the history of a planned email.',
})
@Entity('email_events')
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

  @Field({
    description:
      'PLANNED, MOVED, EDITED, CLAIMED, SENT, RETRY_SCHEDULED, FAILED, UNCERTAIN, SUPPRESSED, CANCELLED, RELEASED.',
  })
  @Column('text')
  event: string;

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
