import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum AccountNoticeKind {
  /** To the address of an account just deleted (deleteAccount). */
  ACCOUNT_DELETED = 'ACCOUNT_DELETED',
}

/**
 * A message about an account that no longer exists, in Rapport's fixed wording. It has no
 * user_id, so it outlives the account's rows; the row is deleted once the message is sent.
 */
@Entity('account_notices')
export class AccountNotice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  kind: AccountNoticeKind;

  @Column('text')
  toEmail: string;

  @Column('text', { nullable: true })
  toName: string | null;

  @Column('text')
  messageId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
