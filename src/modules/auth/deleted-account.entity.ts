import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A deleted account's former id, kept one access-token lifetime so the revocation poll refuses
 * its tokens on every API process (AccessRevocations); nothing else about the account is kept.
 */
@Entity('deleted_accounts')
export class DeletedAccount {
  @PrimaryColumn('uuid')
  accountId: string;

  @Index('deleted_accounts_deleted_at_idx')
  @CreateDateColumn({ type: 'timestamptz' })
  deletedAt: Date;
}
