import { Field, ID, ObjectType } from 'type-graphql';
import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity';
import { EmailKind } from './email-kind';

/** A user's own wording for one kind of email (plain text with {{variables}}). */
@ObjectType()
@Entity('email_templates')
@Index('email_templates_user_id_kind_key', ['userId', 'kind'], { unique: true })
export class EmailTemplate {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field(() => EmailKind)
  @Column({ type: 'enum', enum: EmailKind, enumName: 'email_kind' })
  kind: EmailKind;

  @Field()
  @Column('text')
  subject: string;

  @Field()
  @Column('text')
  body: string;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
