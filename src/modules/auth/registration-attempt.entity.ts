import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DEFAULT_LOCALE } from '../../core/validation';
import { ScheduledEmail } from '../emails/scheduled-email.entity';
import { User } from '../users/user.entity';

/**
 * One `register` call for an address not yet verified: what that caller chose (password, name,
 * time zone, locale), applied only when the link of its own verification email is used. Whoever else
 * registers the address meanwhile gets an attempt of their own, so nobody's choice reaches an
 * account through someone else's link (pre-account takeover). Gone once the address is verified.
 */
@Entity('registration_attempts')
export class RegistrationAttempt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('registration_attempts_user_id_idx')
  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The verification email of this attempt; the worker ties the token it mints to the attempt. */
  @Index('registration_attempts_scheduled_email_id_key', { unique: true })
  @Column('uuid')
  scheduledEmailId: string;

  @ManyToOne(() => ScheduledEmail, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scheduled_email_id' })
  scheduledEmail?: ScheduledEmail;

  @Column('text', { select: false })
  passwordHash: string;

  @Column('text')
  name: string;

  @Column('text')
  timezone: string;

  @Column('text', { default: DEFAULT_LOCALE })
  locale: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
