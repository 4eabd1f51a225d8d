import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { User } from '../users/user.entity';
import { Node } from '../../core/graphql/node';

export enum OrganisationSize {
  SIZE_1_10 = 'SIZE_1_10',
  SIZE_11_50 = 'SIZE_11_50',
  SIZE_51_200 = 'SIZE_51_200',
  SIZE_201_1000 = 'SIZE_201_1000',
  SIZE_1001_5000 = 'SIZE_1001_5000',
  SIZE_5001_PLUS = 'SIZE_5001_PLUS',
}
registerEnumType(OrganisationSize, { name: 'OrganisationSize', description: 'Head count band.' });

/**
 * The text searched by `search` filters, as SQL on alias `o`. A trigram index over the same
 * expression (see the migration) makes `LIKE '%word%'` fast.
 */
export const ORGANISATION_SEARCH_TEXT = `lower(o.name || ' ' || coalesce(o.domain, '') || ' ' || coalesce(o.industry, '') || ' ' || coalesce(o.location, ''))`;

@ObjectType({
  implements: Node,
  description: 'An organisation the user is researching or has contacts at.',
  simpleResolvers: true,
})
@Entity('organisations')
// (user_id, updated_at): updatedSince (offline sync); created with its trigger in migration 0250.
@Index('organisations_user_id_updated_at_idx', { synchronize: false })
@Index('organisations_user_id_domain_key', ['userId', 'domain'], { unique: true, where: 'domain IS NOT NULL' })
@Index('organisations_user_id_lower_name_idx', { synchronize: false })
@Index('organisations_search_text_trgm_idx', { synchronize: false })
@Index('organisations_name_trgm_idx', { synchronize: false })
@Index('organisations_tags_idx', { synchronize: false })
export class Organisation {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field()
  @Column('text')
  name: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  website: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Lower-case host without www., from website or set directly; unique per user.',
  })
  @Column('text', { nullable: true })
  domain: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  industry: string | null;

  @Field(() => OrganisationSize, { nullable: true })
  @Column({ type: 'enum', enum: OrganisationSize, enumName: 'organisation_size', nullable: true })
  size: OrganisationSize | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  location: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  description: string | null;

  @Field(() => String, { nullable: true, description: 'Research: how the organisation is structured.' })
  @Column('text', { nullable: true })
  structureNotes: string | null;

  @Field(() => String, { nullable: true, description: 'Research: its niche, products and competitors.' })
  @Column('text', { nullable: true })
  nicheNotes: string | null;

  @Field(() => String, { nullable: true, description: 'Research: its goals and current challenges.' })
  @Column('text', { nullable: true })
  goalsNotes: string | null;

  @Field(() => String, { nullable: true, description: 'Research: career prospects and entry paths.' })
  @Column('text', { nullable: true })
  careerProspectsNotes: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  cultureNotes: string | null;

  @Field(() => [String], { description: 'Lower-case labels.' })
  @Column('text', { array: true, default: () => "'{}'" })
  tags: string[];

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
