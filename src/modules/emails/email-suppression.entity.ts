import { registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export enum SuppressionReason {
  UNSUBSCRIBED = 'UNSUBSCRIBED',
  HARD_BOUNCE = 'HARD_BOUNCE',
}
registerEnumType(SuppressionReason, {
  name: 'SuppressionReason',
  description: 'UNSUBSCRIBED (the address owner opted out) or HARD_BOUNCE (the mailbox does not exist).',
});

/** Addresses Rapport never mails again, whoever the user: opted out, or bounced permanently. */
@Entity('email_suppressions')
export class EmailSuppression {
  /** Lower-cased address. */
  @PrimaryColumn('text')
  email: string;

  @Column({ type: 'enum', enum: SuppressionReason, enumName: 'suppression_reason' })
  reason: SuppressionReason;

  @Column('text', { nullable: true })
  detail: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
