import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, ValidationError } from '../../core/errors';
import { queryPrepared } from '../../core/db/prepared';
import { paginateSql, type KeysetOrder, type Page, type PageArgs } from '../../core/graphql/pagination';
import { isUuid } from '../../core/ids';
import { cleanText, rejectNulls } from '../../core/inputs';
import type { LivePublisher } from '../../core/live/live-events';
import { isIanaTimeZone } from '../../core/validation';
import type { AuthUser } from '../auth/access-tokens';
import { ContactStage, StageEvent } from '../contacts/contact-stage';
import { moveStageOn } from '../contacts/contact-stage-moves';
import type { ContactService } from '../contacts/contact.service';
import type { InsightService } from '../insights/insight.service';
import type { OutboxChange } from '../emails/email-queue';
import type { OutboxService } from '../emails/outbox.service';
import type { QuestionService } from '../questions/question.service';
import { Topic } from '../questions/topic';
import { AgendaItem } from './agenda-item.entity';
import { MEETING_CHANGED, MeetingChangeKind, type MeetingChangedPayload } from './meeting-changes';
import { Meeting, MeetingStatus } from './meeting.entity';
import { MeetingErrors } from './meeting.errors';
import { meetingReaders, WHOLE_MEETINGS, type MeetingSelection } from './meeting-page';
import { insertMeeting, readSchedulingFacts, type SchedulingFacts } from './meeting-scheduling';
import {
  MeetingSort,
  type AgendaEntryInput,
  type CompleteMeetingInput,
  type MeetingFilter,
  type RescheduleMeetingInput,
  type ScheduleMeetingInput,
  type UpdateMeetingInput,
} from './meeting.inputs';

const MAX_DURATION_MS = 12 * 3600_000;
// Meetings that occupy time: a new one may not overlap these (unless allowed).
const BLOCKING = [MeetingStatus.SCHEDULED, MeetingStatus.COMPLETED];

const ORDERS: Record<MeetingSort, KeysetOrder<Meeting>> = {
  [MeetingSort.STARTS_AT_ASC]: {
    expression: 'm.starts_at',
    type: 'timestamptz',
    direction: 'ASC',
    id: 'm.id',
    idOf: (m) => m.id,
  },
  [MeetingSort.STARTS_AT_DESC]: {
    expression: 'm.starts_at',
    type: 'timestamptz',
    direction: 'DESC',
    id: 'm.id',
    idOf: (m) => m.id,
  },
};

/** The keyset order of a meetings sort (shared by the batched pages under contacts and organisations). */
export function meetingOrder(sort: MeetingSort): KeysetOrder<Meeting> {
  return ORDERS[sort];
}

interface PlannedItem {
  questionId: string | null;
  category: Topic;
  text: string;
}

export class MeetingService {
  constructor(
    private readonly ds: DataSource,
    private readonly questions: QuestionService,
    private readonly contacts: ContactService,
    private readonly insights: InsightService,
    private readonly outbox: OutboxService,
    /** Where the user's other devices hear of the change (live updates); none in some tests. */
    private readonly live?: LivePublisher,
  ) {}

  /**
   * Runs a change to one meeting and re-plans its emails in the same transaction; the
   * timers in Redis follow once it has committed, and the user's devices are told.
   */
  private async changeMeeting(
    user: AuthUser,
    change: MeetingChangeKind,
    work: (m: EntityManager) => Promise<Meeting>,
    planEmails: (m: EntityManager, meeting: Meeting) => Promise<OutboxChange[]> = (m, meeting) =>
      this.outbox.syncMeeting(m, user.id, meeting.id),
  ): Promise<Meeting> {
    const changes: OutboxChange[] = [];
    const meeting = await this.ds.transaction(async (m) => {
      const result = await work(m);
      changes.push(...(await planEmails(m, result)));
      return result;
    });
    await this.outbox.commit(changes);
    const event: MeetingChangedPayload = { meetingId: meeting.id, change, at: new Date().toISOString() };
    this.live?.publish(MEETING_CHANGED, user.id, event);
    return meeting;
  }

  /**
   * A page of the user's meetings. `include` joins to-one relations into the same statement
   * (the client asked for them), so a page with contacts and organisations is one query.
   */
  list(
    user: AuthUser,
    filter: MeetingFilter = {},
    page: PageArgs,
    sort = MeetingSort.STARTS_AT_ASC,
    selection: MeetingSelection = WHOLE_MEETINGS,
  ): Promise<Page<Meeting>> {
    const r = meetingReaders(this.ds);
    const m = r.meeting.columnsFor(selection.meeting);
    // To-one joins never multiply rows, so the page's LIMIT stays right; each is scoped to the user.
    const contactFields = selection.contact ?? (selection.contactOrganisation ? [] : undefined);
    const c = contactFields !== undefined ? r.contact.columnsFor(contactFields) : null;
    const co =
      selection.contactOrganisation !== undefined ? r.organisation.columnsFor(selection.contactOrganisation) : null;
    const mo = selection.organisation !== undefined ? r.organisation.columnsFor(selection.organisation) : null;
    const select = [r.meeting.selectList('m', m)];
    let from = 'meetings m';
    if (c) {
      select.push(r.contact.selectList('c', c));
      from += ' LEFT JOIN contacts c ON c.id = m.contact_id AND c.user_id = m.user_id';
    }
    if (co) {
      select.push(r.organisation.selectList('co', co));
      from += ' LEFT JOIN organisations co ON co.id = c.organisation_id AND co.user_id = m.user_id';
    }
    if (mo) {
      select.push(r.organisation.selectList('mo', mo));
      from += ' LEFT JOIN organisations mo ON mo.id = m.organisation_id AND mo.user_id = m.user_id';
    }
    const values: unknown[] = [user.id];
    const where = ['m.user_id = $1'];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (filter.statuses?.length) where.push(`m.status = ANY(${param(filter.statuses)})`);
    if (filter.contactId) where.push(`m.contact_id = ${param(isUuid(filter.contactId) ? filter.contactId : null)}`);
    if (filter.organisationId) {
      where.push(`m.organisation_id = ${param(isUuid(filter.organisationId) ? filter.organisationId : null)}`);
    }
    if (filter.from) where.push(`m.ends_at > ${param(filter.from)}`);
    if (filter.to) where.push(`m.starts_at < ${param(filter.to)}`);
    if (filter.updatedSince) where.push(`m.updated_at >= ${param(filter.updatedSince)}`);
    // A time window is priced higher by a generic plan than by the custom plan for any one
    // window, so PostgreSQL would plan it on every call; the plan is the same index range
    // either way (meetings_user_id_starts_at_idx), so it runs on the generic-plan connections.
    const prepared = { genericPlan: Boolean(filter.from || filter.to) };
    return paginateSql<Meeting>(
      {
        select: select.join(', '),
        from,
        where,
        values,
        order: ORDERS[sort],
        run: (text, params) => queryPrepared(this.ds, text, params, prepared),
        table: 'meetings m',
        withCount: selection.totalCount,
        hydrate: (row) => {
          const meeting = r.meeting.hydrate(row, 'm', m)!;
          if (c) {
            const contact = r.contact.hydrate(row, 'c', c);
            if (contact && co) contact.organisation = r.organisation.hydrate(row, 'co', co) ?? undefined;
            meeting.contact = contact ?? undefined;
          }
          if (mo) meeting.organisation = r.organisation.hydrate(row, 'mo', mo) ?? undefined;
          return meeting;
        },
      },
      page,
    );
  }

  /**
   * Plans a meeting; the contact moves to SCHEDULED where the stage cycle allows (MET and
   * FOLLOWED_UP stay). A DECLINED contact is refused unless reopenDeclined. Overlaps likewise.
   */
  async schedule(user: AuthUser, input: ScheduleMeetingInput): Promise<Meeting> {
    assertTimes(input.startsAt, input.endsAt, 'input.');
    const questionIds = input.questionIds ?? [];
    const entries = input.agenda ?? [];
    let facts: SchedulingFacts | null = null;
    return this.changeMeeting(
      user,
      MeetingChangeKind.SCHEDULED,
      async (m) => {
        // One statement reads all this and takes the calendar lock; the checks below keep their order.
        facts = isUuid(input.contactId)
          ? await readSchedulingFacts(m, user.id, {
              contactId: input.contactId,
              organisationId: input.organisationId,
              questionIds: [...questionIds, ...entries.map((e) => e.questionId).filter((id): id is string => !!id)],
            })
          : null;
        const contact = facts?.contact;
        if (!facts || !contact) throw MeetingErrors.relationNotFound('input.contactId', 'Contact');
        const reopening = contact.stage === ContactStage.DECLINED;
        if (reopening && !input.reopenDeclined) throw MeetingErrors.contactDeclined();
        const requested = input.organisationId;
        if (requested !== undefined && requested !== null && !facts.organisationId) {
          throw MeetingErrors.relationNotFound('input.organisationId', 'Organisation');
        }
        const agenda = agendaFrom(facts.questions, questionIds, entries, 'input.');
        const written = await insertMeeting(m, {
          userId: user.id,
          contactId: contact.id,
          contactName: contact.fullName,
          organisationId: requested == null ? contact.organisationId : facts.organisationId,
          title: cleanText(input.title) ?? `Informational interview with ${contact.fullName}`,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          timezone: input.timezone ?? facts.user.timezone,
          location: cleanText(input.location) ?? null,
          videoUrl: cleanText(input.videoUrl) ?? null,
          notes: cleanText(input.notes) ?? null,
          allowOverlap: input.allowOverlap,
          sendThankYou: input.sendThankYou,
          sendFollowUp: input.sendFollowUp,
          agenda,
          stageEvent: reopening ? StageEvent.MEETING_SCHEDULED_REOPENING : StageEvent.MEETING_SCHEDULED,
        });
        if (written.clash) throw MeetingErrors.overlap(written.clash);
        return written.meeting;
      },
      // A new meeting has no emails yet: planned from what was just read, without reading it again.
      (m, meeting) => this.outbox.planNewMeeting(m, meeting, facts!.user, facts!.contact),
    );
  }

  async update(user: AuthUser, id: string, input: UpdateMeetingInput): Promise<Meeting> {
    rejectNulls(input, ['title', 'sendThankYou', 'sendFollowUp']);
    return this.changeMeeting(user, MeetingChangeKind.UPDATED, async (m) => {
      const meeting = await this.lockOwn(m, user, id);
      for (const key of ['title', 'location', 'videoUrl', 'notes'] as const) {
        const value = cleanText(input[key]);
        if (value !== undefined) (meeting as Record<typeof key, string | null>)[key] = value;
      }
      if (typeof input.sendThankYou === 'boolean') meeting.sendThankYou = input.sendThankYou;
      if (typeof input.sendFollowUp === 'boolean') meeting.sendFollowUp = input.sendFollowUp;
      if (input.agenda !== undefined) {
        if (meeting.status !== MeetingStatus.SCHEDULED)
          throw MeetingErrors.invalidStatus(meeting.status, 'given a new agenda');
        const agenda = await this.planAgenda(m, user, [], input.agenda ?? [], 'input.');
        await m.getRepository(AgendaItem).delete({ meetingId: meeting.id, userId: user.id });
        await this.insertAgenda(m, user, meeting.id, agenda);
      }
      return m.getRepository(Meeting).save(meeting);
    });
  }

  async reschedule(user: AuthUser, id: string, input: RescheduleMeetingInput): Promise<Meeting> {
    const { startsAt, endsAt, timezone, allowOverlap } = input;
    assertTimes(startsAt, endsAt, 'input.');
    if (timezone && !isIanaTimeZone(timezone))
      throw ValidationError.field('input.timezone', 'must be an IANA time zone name');
    return this.changeMeeting(user, MeetingChangeKind.RESCHEDULED, async (m) => {
      const meeting = await this.lockOwn(m, user, id);
      if (meeting.status !== MeetingStatus.SCHEDULED) throw MeetingErrors.invalidStatus(meeting.status, 'rescheduled');
      await this.lockCalendar(m, user);
      if (!allowOverlap) await this.assertNoOverlap(m, user, startsAt, endsAt, meeting.id);
      Object.assign(meeting, { startsAt, endsAt, allowOverlap, timezone: timezone ?? meeting.timezone });
      meeting.icsSequence += 1; // calendar clients replace the earlier invitation
      return m.getRepository(Meeting).save(meeting);
    });
  }

  /** Cancels; a contact left with no scheduled meeting goes back to REQUESTED. */
  async cancel(user: AuthUser, id: string, reason: string | null | undefined): Promise<Meeting> {
    if (reason && reason.length > 2000) throw ValidationError.field('input.reason', 'must be at most 2000 characters');
    return this.changeMeeting(user, MeetingChangeKind.CANCELLED, async (m) => {
      const meeting = await this.lockOwn(m, user, id);
      if (meeting.status !== MeetingStatus.SCHEDULED) throw MeetingErrors.invalidStatus(meeting.status, 'cancelled');
      meeting.status = MeetingStatus.CANCELLED;
      meeting.icsSequence += 1;
      meeting.cancelReason = cleanText(reason) ?? null;
      meeting.closedAt = new Date();
      const saved = await m.getRepository(Meeting).save(meeting);
      if (meeting.contactId) {
        await moveStageOn(m, StageEvent.MEETING_CANCELLED, { userId: user.id, contactId: meeting.contactId });
      }
      return saved;
    });
  }

  async markNoShow(user: AuthUser, id: string): Promise<Meeting> {
    return this.changeMeeting(user, MeetingChangeKind.NO_SHOW, async (m) => {
      const meeting = await this.lockOwn(m, user, id);
      if (meeting.status !== MeetingStatus.SCHEDULED)
        throw MeetingErrors.invalidStatus(meeting.status, 'marked as a no-show');
      if (meeting.startsAt.getTime() > Date.now()) throw MeetingErrors.notStarted('marked as a no-show');
      meeting.status = MeetingStatus.NO_SHOW;
      meeting.closedAt = new Date();
      return m.getRepository(Meeting).save(meeting);
    });
  }

  /**
   * The debrief, all or nothing: answers, insights, promises, leads and referrals are stored
   * with the meeting marked COMPLETED; the contact moves to MET and counts as contacted.
   */
  async complete(user: AuthUser, id: string, input: CompleteMeetingInput): Promise<Meeting> {
    return this.changeMeeting(user, MeetingChangeKind.COMPLETED, async (m) => {
      const meeting = await this.lockOwn(m, user, id);
      if (meeting.status !== MeetingStatus.SCHEDULED) throw MeetingErrors.invalidStatus(meeting.status, 'completed');
      const now = new Date();
      if (meeting.startsAt > now) throw MeetingErrors.notStarted('completed');

      const notes = cleanText(input.notes);
      if (notes !== undefined) meeting.notes = notes;
      meeting.status = MeetingStatus.COMPLETED;
      meeting.closedAt = now;
      await m.getRepository(Meeting).save(meeting);

      await this.recordAnswers(m, user, meeting, input.answers ?? []);
      await this.insights.recordLearnings(m, user, meeting, input);
      for (const [i, referral] of (input.referrals ?? []).entries()) {
        await this.contacts.createReferral(m, user, meeting, referral, `input.referrals[${i}]`);
      }
      if (meeting.contactId) {
        await moveStageOn(m, StageEvent.MEETING_HELD, {
          userId: user.id,
          contactId: meeting.contactId,
          contactedAt: meeting.endsAt < now ? meeting.endsAt : now,
        });
      }
      return meeting;
    });
  }

  /** The answers in one statement; NOT_FOUND (naming the first) when one is not this meeting's agenda item. */
  private async recordAnswers(
    m: EntityManager,
    user: AuthUser,
    meeting: Meeting,
    answers: CompleteMeetingInput['answers'] & object,
  ) {
    if (!answers.length) return;
    // The last answer given for an item wins, as when they were written one after another.
    const latest = new Map<string, string | null>();
    for (const answer of answers) {
      if (isUuid(answer.agendaItemId)) latest.set(answer.agendaItemId, cleanText(answer.answer) ?? null);
    }
    const written = latest.size
      ? await queryPrepared<{ id: string }>(
          m,
          `UPDATE meeting_agenda_items a SET answer = x.answer
             FROM unnest($1::uuid[], $2::text[]) AS x(id, answer)
            WHERE a.id = x.id AND a.meeting_id = $3 AND a.user_id = $4
           RETURNING a.id`,
          [[...latest.keys()], [...latest.values()], meeting.id, user.id],
        )
      : [];
    const ids = new Set(written.map((r) => r.id));
    for (const [i, answer] of answers.entries()) {
      if (!ids.has(answer.agendaItemId)) {
        throw MeetingErrors.relationNotFound(`input.answers[${i}].agendaItemId`, 'Agenda item of this meeting');
      }
    }
  }

  /** The meeting, locked for the rest of the transaction; NOT_FOUND when missing or not yours. */
  private async lockOwn(m: EntityManager, user: AuthUser, id: string): Promise<Meeting> {
    const meeting = isUuid(id)
      ? await m.getRepository(Meeting).findOne({ where: { id, userId: user.id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!meeting) throw new NotFoundError('Meeting');
    return meeting;
  }

  /** Serialises calendar changes of one user, so two concurrent bookings cannot both pass the overlap check. */
  private async lockCalendar(m: EntityManager, user: AuthUser): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`meetings:${user.id}`]);
  }

  private async assertNoOverlap(m: EntityManager, user: AuthUser, startsAt: Date, endsAt: Date, exceptId?: string) {
    const qb = m
      .getRepository(Meeting)
      .createQueryBuilder('m')
      .where('m.user_id = :userId', { userId: user.id })
      .andWhere('m.status IN (:...blocking)', { blocking: BLOCKING })
      .andWhere('m.starts_at < :endsAt AND m.ends_at > :startsAt', { startsAt, endsAt })
      .orderBy('m.starts_at', 'ASC');
    if (exceptId) qb.andWhere('m.id <> :exceptId', { exceptId });
    const clash = await qb.getOne();
    if (clash) throw MeetingErrors.overlap(clash);
  }

  private async planAgenda(
    m: EntityManager,
    user: AuthUser,
    questionIds: string[],
    entries: AgendaEntryInput[],
    prefix: string,
  ): Promise<PlannedItem[]> {
    const wanted = [...questionIds, ...entries.map((e) => e.questionId).filter((id): id is string => !!id)];
    return agendaFrom(await this.questions.findOwned(user.id, wanted, m), questionIds, entries, prefix);
  }

  private async insertAgenda(m: EntityManager, user: AuthUser, meetingId: string, items: PlannedItem[]) {
    if (!items.length) return;
    await m
      .getRepository(AgendaItem)
      .insert(items.map((item, position) => ({ ...item, position, meetingId, userId: user.id })));
  }
}

/** The agenda asked for, from the user's own questions among those it names (NOT_FOUND for any other). */
function agendaFrom(
  owned: { id: string; category: Topic; text: string }[],
  questionIds: string[],
  entries: AgendaEntryInput[],
  prefix: string,
): PlannedItem[] {
  const byId = new Map(owned.map((q) => [q.id, q]));
  const fromBank = (id: string, field: string): PlannedItem => {
    const q = byId.get(id);
    if (!q) throw MeetingErrors.relationNotFound(field, 'Question');
    return { questionId: q.id, category: q.category, text: q.text };
  };
  return [
    ...questionIds.map((id, i) => fromBank(id, `${prefix}questionIds[${i}]`)),
    ...entries.map((entry, i) => {
      if (entry.questionId) return fromBank(entry.questionId, `${prefix}agenda[${i}].questionId`);
      const text = cleanText(entry.text);
      if (!text) throw ValidationError.field(`${prefix}agenda[${i}].text`, 'is required when questionId is not given');
      return { questionId: null, category: entry.category ?? Topic.OTHER, text };
    }),
  ];
}

function assertTimes(startsAt: Date, endsAt: Date, prefix: string): void {
  if (endsAt.getTime() <= startsAt.getTime()) throw MeetingErrors.endsBeforeStart(prefix);
  if (endsAt.getTime() - startsAt.getTime() > MAX_DURATION_MS) throw MeetingErrors.tooLong(prefix);
}
