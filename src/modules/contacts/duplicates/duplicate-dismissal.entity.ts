import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/user.entity';
import { Contact } from '../contact.entity';

/**
 * Two contacts the user said are different people: duplicateContacts no longer pairs them. The
 * pair may be stored either way round (a merge moves either side), and twice; both are harmless.
 */
@Entity('duplicate_dismissals')
@Index('duplicate_dismissals_contact_id_idx', ['contactId', 'otherContactId'])
export class DuplicateDismissal {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('duplicate_dismissals_user_id_idx')
  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column('uuid')
  contactId: string;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: Contact;

  @Index('duplicate_dismissals_other_contact_id_idx')
  @Column('uuid')
  otherContactId: string;

  @ManyToOne(() => Contact, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'other_contact_id' })
  otherContact?: Contact;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
