import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DEFAULT_LOCALE, minutesToLocalTime } from '../../core/validation';
import { EmailKind } from '../emails/email-kind';
import { isoToWeekday, Weekday } from './weekday';
import { LocalEndTime, LocalTime } from '../../core/graphql/calendar.scalars';
import { Node } from '../../core/graphql/node';

export enum Role {
  USER = 'USER',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role', description: 'What a user may do: ADMIN adds the administration API.' });

export const USER_DEFAULTS = {
  sendingWindowStartMinute: 8 * 60,
  sendingWindowEndMinute: 20 * 60,
  thankYouDelayMinutes: 120,
  followUpDelayDays: 14,
  prepReminderHoursBefore: 24,
  weeklyMeetingGoal: 5,
  outreachNudgeDays: 7,
  workingHoursStartMinute: 9 * 60,
  workingHoursEndMinute: 17 * 60,
} as const;

@ObjectType({
  implements: Node,
  description: 'A person using Rapport, with the settings that time their emails.',
})
@Entity('users')
export class User {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field({ description: 'Lower-cased; unique.' })
  @Index('users_email_key', { unique: true })
  @Column('text')
  email: string;

  @Field()
  @Column('text')
  name: string;

  @Column('text', { select: false })
  passwordHash: string;

  @Field(() => Role)
  @Column({ type: 'enum', enum: Role, enumName: 'user_role', default: Role.USER })
  role: Role;

  @Field({ description: 'IANA time zone the user lives in; every email time is computed in it.' })
  @Column('text')
  timezone: string;

  @Field({
    description:
      'BCP 47 locale (e.g. en-GB, en-US, de-DE) every date and time in your emails is written in, in your time zone. Default en-GB.',
  })
  @Column('text', { default: DEFAULT_LOCALE })
  locale: string;

  @Column('smallint', { default: USER_DEFAULTS.sendingWindowStartMinute })
  sendingWindowStartMinute: number;

  @Column('smallint', { default: USER_DEFAULTS.sendingWindowEndMinute })
  sendingWindowEndMinute: number;

  @Field(() => LocalTime, { description: 'Local time from which emails may be sent. Default 08:00.' })
  get sendingWindowStart(): string {
    return minutesToLocalTime(this.sendingWindowStartMinute);
  }

  @Field(() => LocalEndTime, { description: 'Local time until which emails may be sent. Default 20:00.' })
  get sendingWindowEnd(): string {
    return minutesToLocalTime(this.sendingWindowEndMinute);
  }

  @Field(() => Int, { description: 'Minutes after a meeting ends that the thank-you email goes out. Default 120.' })
  @Column('integer', { default: USER_DEFAULTS.thankYouDelayMinutes })
  thankYouDelayMinutes: number;

  @Field(() => Int, { description: 'Days after a meeting that the follow-up email goes out. Default 14.' })
  @Column('integer', { default: USER_DEFAULTS.followUpDelayDays })
  followUpDelayDays: number;

  @Field(() => Int, { description: 'Hours before a meeting that the prep reminder arrives. Default 24.' })
  @Column('integer', { default: USER_DEFAULTS.prepReminderHoursBefore })
  prepReminderHoursBefore: number;

  @Field(() => Int, { description: 'Informational interviews the user aims to hold each week.' })
  @Column('integer', { default: USER_DEFAULTS.weeklyMeetingGoal })
  weeklyMeetingGoal: number;

  @Field(() => Int, {
    description: 'Days after an outreach request that you are nudged if the contact has not answered. Default 7.',
  })
  @Column('integer', { default: USER_DEFAULTS.outreachNudgeDays })
  outreachNudgeDays: number;

  @Column('smallint', { default: USER_DEFAULTS.workingHoursStartMinute })
  workingHoursStartMinute: number;

  @Column('smallint', { default: USER_DEFAULTS.workingHoursEndMinute })
  workingHoursEndMinute: number;

  /** ISO weekdays worked (1 = Monday … 7 = Sunday), ascending. */
  @Column('smallint', { name: 'working_days', array: true, default: () => "'{1,2,3,4,5}'" })
  workingDayNumbers: number[];

  @Field(() => LocalTime, {
    description: 'Local time your working day starts; meeting slots start no earlier. Default 09:00.',
  })
  get workingHoursStart(): string {
    return minutesToLocalTime(this.workingHoursStartMinute);
  }

  @Field(() => LocalEndTime, {
    description: 'Local time your working day ends; meeting slots end no later. Default 17:00.',
  })
  get workingHoursEnd(): string {
    return minutesToLocalTime(this.workingHoursEndMinute);
  }

  @Field(() => [Weekday], { description: 'Days you take meetings on. Default Monday to Friday.' })
  get workingDays(): Weekday[] {
    return this.workingDayNumbers.map(isoToWeekday);
  }

  /** ISO weekday (1 = Monday … 7 = Sunday) the weekly digest arrives on; null: not asked for. */
  @Column('smallint', { name: 'weekly_digest_weekday', nullable: true })
  weeklyDigestWeekdayNumber: number | null;

  @Field(() => Weekday, {
    nullable: true,
    description:
      'The day the weekly digest (meetings against your goal, who is due a note) arrives, in your sending window; ' +
      'null (the default) for none.',
  })
  get weeklyDigestWeekday(): Weekday | null {
    return this.weeklyDigestWeekdayNumber === null ? null : isoToWeekday(this.weeklyDigestWeekdayNumber);
  }

  @Field(() => [EmailKind], {
    description:
      'Reminder kinds the user switched off (PREP_REMINDER, KEEP_IN_TOUCH_DIGEST, OUTREACH_NUDGE, WEEKLY_DIGEST).',
  })
  @Column({ type: 'enum', enum: EmailKind, enumName: 'email_kind', array: true, default: () => "'{}'" })
  disabledReminders: EmailKind[];

  /** When the address was proven to be the user's (a verification link followed); null until then. */
  @Column('timestamptz', { nullable: true })
  emailVerifiedAt: Date | null;

  @Field(() => Boolean, {
    description:
      'Whether the address is verified. Until it is, mail to contacts waits (ScheduledEmail.heldReason) and reminders are not sent.',
  })
  get emailVerified(): boolean {
    return this.emailVerifiedAt !== null;
  }

  @Field(() => String, {
    nullable: true,
    description: 'The address changeEmail asked for, until its verification link is used (then it becomes email).',
  })
  @Column('text', { nullable: true })
  pendingEmail: string | null;

  @Field(() => Date, { nullable: true, description: 'Set when an administrator suspended the account.' })
  @Column('timestamptz', { nullable: true })
  suspendedAt: Date | null;

  /**
   * Access tokens issued up to this instant are refused (AccessRevocations). Set by a database
   * trigger when the account is suspended or changes role.
   */
  @Index('users_access_revoked_at_idx', { synchronize: false })
  @Column('timestamptz', { nullable: true })
  accessRevokedAt: Date | null;

  /** Signed into the calendar feed URL; resetCalendarFeed bumps it so the old URL stops working. */
  @Column('integer', { default: 1 })
  calendarFeedVersion: number;

  @Field(() => Date)
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
