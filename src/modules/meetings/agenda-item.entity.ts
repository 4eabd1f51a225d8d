import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Question } from '../questions/question.entity';
import { Topic } from '../questions/topic';
import { Meeting } from './meeting.entity';
import { Node } from '../../core/graphql/node';

@ObjectType({
  implements: Node,
  description: 'One question on a meeting’s agenda, with the answer noted in the meeting.',
})
@Entity('meeting_agenda_items')
@Index('meeting_agenda_items_meeting_id_position_idx', ['meetingId', 'position'])
export class AgendaItem {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @Column('uuid')
  meetingId: string;

  @ManyToOne(() => Meeting, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'meeting_id' })
  meeting?: Relation<Meeting>;

  @Field(() => Int, { description: 'Order on the agenda, from 0.' })
  @Column('integer')
  position: number;

  /** The bank question it came from; null for an ad hoc question or a deleted one. */
  @Index('meeting_agenda_items_question_id_idx')
  @Column('uuid', { nullable: true })
  questionId: string | null;

  @ManyToOne(() => Question, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'question_id' })
  question?: Relation<Question>;

  @Field(() => Topic)
  @Column({ type: 'enum', enum: Topic, enumName: 'topic' })
  category: Topic;

  @Field({ description: 'The question as asked (a copy: editing the bank later does not change it).' })
  @Column('text')
  text: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  answer: string | null;
}
