import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors';
import { readerOf } from '../../core/graphql/loaders';
import { isUuid } from '../../core/ids';
import { rejectNulls } from '../../core/inputs';
import { isPgError, PG_UNIQUE_VIOLATION } from '../../core/db/pg-errors';
import { canonicalLocale, localTimeToMinutes } from '../../core/validation';
import type { AuthUser } from '../auth/access-tokens';
import { EmailKind } from '../emails/email-kind';
import type { OutboxChange } from '../emails/email-queue';
import type { OutboxService } from '../emails/outbox.service';
import { type Role, User } from './user.entity';
import type { UpdateProfileInput } from './user.inputs';
import { weekdayToIso } from './weekday';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewUser {
  email: string;
  name: string;
  timezone: string;
  /** Canonical BCP 47; the column's default (en-GB) when absent. */
  locale?: string;
  passwordHash: string;
  role?: Role;
  /** Set only by trusted tools (the demo seed); a registration starts unverified. */
  emailVerifiedAt?: Date | null;
}

/** The reminders switched off after this change: asking for the weekly digest on a day turns it on. */
function disabledReminders(user: User, input: UpdateProfileInput): EmailKind[] {
  const kinds = input.disabledReminders ? [...new Set(input.disabledReminders)] : user.disabledReminders;
  return input.weeklyDigestWeekday && !input.disabledReminders
    ? kinds.filter((kind) => kind !== EmailKind.WEEKLY_DIGEST)
    : kinds;
}

export class UserService {
  constructor(
    private readonly ds: DataSource,
    /** Absent in command-line tools, which change no email settings. */
    private readonly outbox?: OutboxService,
  ) {}

  /** Inserts a user inside the caller's transaction; a taken email is a CONFLICT on `input.email`. */
  async create(manager: EntityManager, data: NewUser): Promise<User> {
    const repo = manager.getRepository(User);
    try {
      const inserted = await repo.insert({ ...data, email: normalizeEmail(data.email), name: data.name.trim() });
      return await repo.findOneByOrFail({ id: inserted.identifiers[0].id as string });
    } catch (err) {
      if (isPgError(err, PG_UNIQUE_VIOLATION)) {
        throw new ConflictError('An account with this email already exists', {
          reason: 'ACCOUNT_EXISTS',
          fields: [{ field: 'input.email', message: 'is already registered' }],
        });
      }
      throw err;
    }
  }

  findById(id: string): Promise<User | null> {
    return this.ds.getRepository(User).findOneBy({ id });
  }

  /** The signed-in user (`me`): a prepared statement, planned once per connection. */
  async get(authUser: AuthUser): Promise<User> {
    const reader = readerOf(this.ds, User);
    const [user] = isUuid(authUser.id)
      ? await reader.readWhole(`${reader.column('t', 'id')} = $1`, '', [authUser.id])
      : [];
    if (!user) throw new NotFoundError('User');
    return user;
  }

  /** The user with its password hash, for sign-in only. */
  findForLogin(email: string): Promise<User | null> {
    return this.ds
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: normalizeEmail(email) })
      .getOne();
  }

  /** The user with its password hash, by id (to check the current password). */
  findForLoginById(id: string): Promise<User | null> {
    return this.ds
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
  }

  async updateProfile(authUser: AuthUser, input: UpdateProfileInput): Promise<User> {
    // weeklyDigestWeekday alone takes null: it turns the digest off.
    rejectNulls(
      input,
      Object.keys(input).filter((key) => key !== 'weeklyDigestWeekday'),
    );

    const changes: OutboxChange[] = [];
    const saved = await this.ds.transaction(async (m) => {
      const repo = m.getRepository(User);
      const user = await repo.findOne({ where: { id: authUser.id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      const start =
        input.sendingWindowStart !== undefined
          ? localTimeToMinutes(input.sendingWindowStart)
          : user.sendingWindowStartMinute;
      const end =
        input.sendingWindowEnd !== undefined ? localTimeToMinutes(input.sendingWindowEnd) : user.sendingWindowEndMinute;
      if (end - start < 30) {
        throw new ValidationError([
          { field: 'input.sendingWindowStart', message: 'must be at least 30 minutes before sendingWindowEnd' },
          { field: 'input.sendingWindowEnd', message: 'must be at least 30 minutes after sendingWindowStart' },
        ]);
      }
      const workStart =
        input.workingHoursStart !== undefined
          ? localTimeToMinutes(input.workingHoursStart)
          : user.workingHoursStartMinute;
      const workEnd =
        input.workingHoursEnd !== undefined ? localTimeToMinutes(input.workingHoursEnd) : user.workingHoursEndMinute;
      if (workEnd - workStart < 60) {
        throw new ValidationError([
          { field: 'input.workingHoursStart', message: 'must be at least an hour before workingHoursEnd' },
          { field: 'input.workingHoursEnd', message: 'must be at least an hour after workingHoursStart' },
        ]);
      }
      Object.assign(user, {
        weeklyDigestWeekdayNumber:
          input.weeklyDigestWeekday === undefined
            ? user.weeklyDigestWeekdayNumber
            : input.weeklyDigestWeekday && weekdayToIso(input.weeklyDigestWeekday),
        workingHoursStartMinute: workStart,
        workingHoursEndMinute: workEnd,
        workingDayNumbers: input.workingDays
          ? [...new Set(input.workingDays.map(weekdayToIso))].sort((a, b) => a - b)
          : user.workingDayNumbers,
        name: input.name?.trim() ?? user.name,
        timezone: input.timezone ?? user.timezone,
        // Validated by the input; stored canonical (en-us → en-US).
        locale: (input.locale && canonicalLocale(input.locale)) ?? user.locale,
        sendingWindowStartMinute: start,
        sendingWindowEndMinute: end,
        thankYouDelayMinutes: input.thankYouDelayMinutes ?? user.thankYouDelayMinutes,
        followUpDelayDays: input.followUpDelayDays ?? user.followUpDelayDays,
        prepReminderHoursBefore: input.prepReminderHoursBefore ?? user.prepReminderHoursBefore,
        weeklyMeetingGoal: input.weeklyMeetingGoal ?? user.weeklyMeetingGoal,
        outreachNudgeDays: input.outreachNudgeDays ?? user.outreachNudgeDays,
        disabledReminders: disabledReminders(user, input),
      });
      const result = await repo.save(user);
      // Delays, window, zone and reminders decide when emails go: re-plan those still to come.
      const timing: (keyof UpdateProfileInput)[] = [
        'timezone',
        'sendingWindowStart',
        'sendingWindowEnd',
        'thankYouDelayMinutes',
        'followUpDelayDays',
        'prepReminderHoursBefore',
        'disabledReminders',
      ];
      if (this.outbox && timing.some((key) => input[key] !== undefined)) {
        changes.push(...(await this.outbox.syncUser(m, user.id)));
      }
      return result;
    });
    await this.outbox?.commit(changes);
    return saved;
  }

  /** For the `promote-admin` CLI. Returns false when no user has that email. */
  async setRole(email: string, role: Role): Promise<boolean> {
    const result = await this.ds.getRepository(User).update({ email: normalizeEmail(email) }, { role });
    return (result.affected ?? 0) > 0;
  }
}
