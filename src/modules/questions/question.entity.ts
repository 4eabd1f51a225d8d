import { Field, ID, ObjectType } from 'type-graphql';
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
import { User } from '../users/user.entity';
import { Topic } from './topic';
import { Node } from '../../core/graphql/node';

@ObjectType({
  implements: Node,
  description: 'A question in the user’s bank, to build meeting agendas from.',
})
@Entity('questions')
// (user_id, updated_at): updatedSince (offline sync); created with its trigger in migration 0250.
@Index('questions_user_id_updated_at_idx', { synchronize: false })
@Index('questions_user_id_default_key_key', ['userId', 'defaultKey'], {
  unique: true,
  where: 'default_key IS NOT NULL',
})
@Index('questions_user_id_category_idx', ['userId', 'category'])
export class Question {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field(() => Topic)
  @Column({ type: 'enum', enum: Topic, enumName: 'topic' })
  category: Topic;

  @Field()
  @Column('text')
  text: string;

  /** Stable key of a seeded default question; null for the user's own. */
  @Column('text', { nullable: true })
  defaultKey: string | null;

  @Field({ description: 'Seeded by Rapport (editable like any other).' })
  get isDefault(): boolean {
    return this.defaultKey !== null;
  }

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
