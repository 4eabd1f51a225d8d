import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
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
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import { ContactStage } from './contact-stage';
import { LocalDate } from '../../core/graphql/calendar.scalars';
import { Node } from '../../core/graphql/node';

export enum HowWeKnow {
  FRIEND = 'FRIEND',
  FAMILY = 'FAMILY',
  ALUMNI = 'ALUMNI',
  COLLEAGUE = 'COLLEAGUE',
  PROFESSOR = 'PROFESSOR',
  MANAGER = 'MANAGER',
  REFERRAL = 'REFERRAL',
  COLD = 'COLD',
  OTHER = 'OTHER',
}
registerEnumType(HowWeKnow, { name: 'HowWeKnow', description: 'How the user knows (or found) the contact.' });

/**
 * The text searched by `search` filters, as SQL on alias `c`. A trigram index over the same
 * expression (see the migration) makes `LIKE '%word%'` fast.
 */
export const CONTACT_SEARCH_TEXT = `lower(c.first_name || ' ' || coalesce(c.last_name, '') || ' ' || coalesce(c.email, '') || ' ' || coalesce(c.title, '') || ' ' || coalesce(c.notes, ''))`;

@ObjectType({
  implements: Node,
  description: 'A person in the user’s network.',
  simpleResolvers: true,
})
@Entity('contacts')
// (user_id, updated_at): updatedSince (offline sync); created with its trigger in migration 0250.
@Index('contacts_user_id_updated_at_idx', { synchronize: false })
@Index('contacts_user_id_email_key', ['userId', 'email'], { unique: true, where: 'email IS NOT NULL' })
@Index('contacts_user_id_lower_name_idx', { synchronize: false })
@Index('contacts_user_id_created_at_idx', { synchronize: false })
@Index('contacts_user_id_last_contacted_at_idx', { synchronize: false })
@Index('contacts_search_text_trgm_idx', { synchronize: false })
@Index('contacts_tags_idx', { synchronize: false })
// (link, id) INCLUDE (user_id…): the introduction paths walk reads a person's links in id order,
// index only (migration 0400).
@Index('contacts_introduced_by_id_id_idx', { synchronize: false })
@Index('contacts_reports_to_id_id_idx', { synchronize: false })
export class Contact {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  userId: string;

  // Relations exist for their foreign keys; GraphQL resolves them through DataLoaders.
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Field()
  @Column('text')
  firstName: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  lastName: string | null;

  @Field(() => String, { description: 'First and last name.' })
  get fullName(): string {
    return this.lastName ? `${this.firstName} ${this.lastName}` : this.firstName;
  }

  @Field(() => String, { nullable: true, description: 'Lower-case; unique among your contacts.' })
  @Column('text', { nullable: true })
  email: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  phone: string | null;

  @Field(() => String, { nullable: true, description: 'Job title.' })
  @Column('text', { nullable: true })
  title: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  linkedinUrl: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'The day you connected, e.g. LinkedIn’s “Connected On” from an import.',
  })
  @Column('date', { nullable: true })
  connectedOn: string | null;

  @Index('contacts_organisation_id_idx')
  @Column('uuid', { nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Relation<Organisation>;

  @Field(() => HowWeKnow)
  @Column({ type: 'enum', enum: HowWeKnow, enumName: 'how_we_know', default: HowWeKnow.OTHER })
  howWeKnow: HowWeKnow;

  @Column('uuid', { nullable: true })
  introducedById: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'introduced_by_id' })
  introducedBy?: Relation<Contact>;

  @Column('uuid', { nullable: true })
  reportsToId: string | null;

  @ManyToOne(() => Contact, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'reports_to_id' })
  reportsTo?: Relation<Contact>;

  @Field({ description: 'Can hire or decide.' })
  @Column('boolean', { default: false })
  isDecisionMaker: boolean;

  @Field(() => [String])
  @Column('text', { array: true, default: () => "'{}'" })
  tags: string[];

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  notes: string | null;

  /** Set when the contact was a referral recorded in a meeting's debrief. */
  @Index('contacts_source_meeting_id_idx')
  @Column('uuid', { nullable: true })
  sourceMeetingId: string | null;

  @ManyToOne(() => Meeting, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'source_meeting_id' })
  sourceMeeting?: Relation<Meeting>;

  @Field(() => ContactStage)
  @Column({ type: 'enum', enum: ContactStage, enumName: 'contact_stage', default: ContactStage.IDENTIFIED })
  stage: ContactStage;

  @Field(() => Int, { nullable: true, description: 'Keep-in-touch cadence in days; null for none.' })
  @Column('integer', { nullable: true })
  keepInTouchEveryDays: number | null;

  @Field(() => Date, { nullable: true, description: 'Last logged interaction (a meeting, an email, a note).' })
  @Column('timestamptz', { nullable: true })
  lastContactedAt: Date | null;

  @Field({ description: 'The contact asked not to be emailed; Rapport never will.' })
  @Column('boolean', { default: false })
  emailOptOut: boolean;

  @Field(() => String, { nullable: true, description: 'IANA time zone, when it differs from yours.' })
  @Column('text', { nullable: true })
  timezone: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
