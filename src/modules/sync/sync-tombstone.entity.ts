import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity';

/**
 * A deleted row, remembered for offline sync (deletedSince) for TOMBSTONE_RETENTION_DAYS.
 * Written only by the delete triggers of migration 0250, never by application code.
 */
@ObjectType('Tombstone', {
  description: 'Something of yours that was deleted: forget it in your local copy (docs/clients.md § Offline sync).',
  simpleResolvers: true,
})
@Entity('sync_tombstones')
@Index('sync_tombstones_user_id_deleted_at_idx', ['userId', 'deletedAt', 'id'])
@Index('sync_tombstones_deleted_at_idx', ['deletedAt'])
export class SyncTombstone {
  @Field(() => ID, { description: 'The id the deleted object had.' })
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field({
    description:
      'Its GraphQL type (__typename): Organisation, Contact, Meeting, Insight, Commitment, JobLead, Question or ScheduledEmail.',
  })
  @Column('text')
  typename: string;

  @Field(() => Date)
  @Column('timestamptz', { default: () => 'now()' })
  deletedAt: Date;
}
