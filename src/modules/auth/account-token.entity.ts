import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';
import { RegistrationAttempt } from './registration-attempt.entity';

/** What an emailed account token lets its holder do. */
export enum AccountTokenPurpose {
  VERIFY_EMAIL = 'VERIFY_EMAIL',
  RESET_PASSWORD = 'RESET_PASSWORD',
}

/**
 * A single-use token sent by email (verification, password reset), stored only as its SHA-256: the plain token
 * exists in the message alone. `email` is the address it was sent to, which it proves.
 */
@Entity('account_tokens')
export class AccountToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('account_tokens_user_id_idx')
  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column('text')
  purpose: AccountTokenPurpose;

  @Column('text')
  email: string;

  @Index('account_tokens_token_hash_key', { unique: true })
  @Column('bytea')
  tokenHash: Buffer;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  usedAt: Date | null;

  /** For a verification link sent to a registration attempt: the attempt whose choices it applies. */
  @Index('account_tokens_registration_attempt_id_idx')
  @Column('uuid', { nullable: true })
  registrationAttemptId: string | null;

  @ManyToOne(() => RegistrationAttempt, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'registration_attempt_id' })
  registrationAttempt?: RegistrationAttempt;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
