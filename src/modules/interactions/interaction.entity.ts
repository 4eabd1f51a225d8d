import { registerEnumType } from 'type-graphql';
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
import { Contact } from '../contacts/contact.entity';
import { User } from '../users/user.entity';

export enum InteractionKind {
  CALL = 'CALL',
  EMAIL = 'EMAIL',
  MESSAGE = 'MESSAGE',
  COFFEE = 'COFFEE',
  OTHER = 'OTHER',
}
registerEnumType(InteractionKind, {
  name: 'InteractionKind',
  description: 'How you were in touch, for an interaction you logged (logInteraction).',
});

/** An interaction the user logged by hand (logInteraction): one row of a contact's timeline. */
@Entity('interactions')
@Index('interactions_contact_id_occurred_at_idx', ['contactId', 'occurredAt', 'id'])
export class LoggedInteraction {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('interactions_user_id_idx')
  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column('uuid')
  contactId: string;

  // Gone with the contact, like the notes it used to be appended to.
  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Relation<Contact>;

  @Column({ type: 'enum', enum: InteractionKind, enumName: 'interaction_kind', default: InteractionKind.OTHER })
  kind: InteractionKind;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('text', { nullable: true })
  note: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
