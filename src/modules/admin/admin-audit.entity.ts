import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({
  description:
    'One administrator action, written in the same transaction as the change. Append-only: the database refuses to change or delete it, and it outlives the accounts it names.',
})
@Entity('admin_audit_log')
export class AdminAuditEntry {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => String, { description: 'The administrator (an id kept after their account is deleted).' })
  @Column('uuid')
  adminId: string;

  @Field({ description: 'The administrator’s address when they acted.' })
  @Column('text')
  adminEmail: string;

  @Field({ description: 'The mutation, e.g. adminSuspendUser.' })
  @Column('text')
  action: string;

  @Field(() => String, { nullable: true, description: 'The account acted on.' })
  @Column('uuid', { nullable: true })
  targetUserId: string | null;

  @Field(() => String, { nullable: true, description: 'That account’s address then, or the address acted on.' })
  @Column('text', { nullable: true })
  targetEmail: string | null;

  @Field(() => String, { nullable: true, description: 'The row acted on (a scheduled email’s id).' })
  @Column('text', { nullable: true })
  targetId: string | null;

  @Field({ description: 'What changed, as a JSON object (never a secret or an email body).' })
  @Column('jsonb', { default: {} })
  details: string;

  @Field(() => String, { nullable: true, description: 'The client address the request came from.' })
  @Column('text', { nullable: true })
  ip: string | null;

  // The clock at the insert itself: several entries of one transaction keep their order.
  @Field(() => Date)
  @Index('admin_audit_log_created_at_idx', { synchronize: false })
  @Column('timestamptz', { default: () => 'clock_timestamp()' })
  createdAt: Date;
}
