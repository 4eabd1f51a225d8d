import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, relationNotFound, ValidationError } from '../../core/errors';
import { isUuid } from '../../core/ids';
import { rejectNulls } from '../../core/inputs';
import type { AuthUser } from '../auth/access-tokens';
import { Contact } from '../contacts/contact.entity';
import { Meeting, MeetingStatus } from '../meetings/meeting.entity';
import { MeetingErrors } from '../meetings/meeting.errors';
import { ownOrganisationId } from '../organisations/organisation-ownership';
import type { CreateInsightInput, UpdateInsightInput } from './insight-editing.inputs';
import { Insight } from './insight.entity';

/** Insights one user may hold: a career's worth of debriefs, not a script's flood. */
export const MAX_INSIGHTS_PER_USER = 20_000;

/**
 * Insights added, corrected and removed after the debrief (completeMeeting records the first
 * ones): a debrief stays editable once the meeting is completed.
 */
export class InsightEditingService {
  constructor(private readonly ds: DataSource) {}

  create(user: AuthUser, input: CreateInsightInput): Promise<Insight> {
    if (!input.meetingId && !input.contactId && !input.organisationId) {
      throw ValidationError.field('input.meetingId', 'give a meetingId, a contactId or an organisationId');
    }
    return this.ds.transaction(async (m) => {
      await this.lockInsightsOf(m, user.id);
      const meeting = input.meetingId ? await this.completedMeeting(m, user, input.meetingId) : null;
      const contact = input.contactId ? await this.ownContact(m, user, input.contactId, 'input.contactId') : null;
      const organisationId = await ownOrganisationId(
        m,
        user.id,
        input.organisationId,
        'input.organisationId',
        meeting?.organisationId ?? contact?.organisationId ?? null,
      );
      const [{ n }]: { n: number }[] = await m.query(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM insights WHERE user_id = $1 LIMIT $2) capped`,
        [user.id, MAX_INSIGHTS_PER_USER],
      );
      if (n >= MAX_INSIGHTS_PER_USER) {
        throw ValidationError.field(
          'input',
          `you already have ${MAX_INSIGHTS_PER_USER} insights, the most an account can hold`,
        );
      }
      const repo = m.getRepository(Insight);
      return repo.save(
        repo.create({
          userId: user.id,
          meetingId: meeting?.id ?? null,
          contactId: contact?.id ?? meeting?.contactId ?? null,
          organisationId,
          category: input.category,
          text: input.text.trim(),
        }),
      );
    });
  }

  async update(user: AuthUser, id: string, input: UpdateInsightInput): Promise<Insight> {
    rejectNulls(input, ['category', 'text']);
    return this.ds.transaction(async (m) => {
      const insight = await this.lockOwn(m, user, id);
      if (input.category) insight.category = input.category;
      if (input.text) insight.text = input.text.trim();
      if (input.contactId !== undefined) {
        insight.contactId = input.contactId
          ? (await this.ownContact(m, user, input.contactId, 'input.contactId')).id
          : null;
      }
      if (input.organisationId !== undefined) {
        insight.organisationId = await ownOrganisationId(
          m,
          user.id,
          input.organisationId,
          'input.organisationId',
          null,
        );
      }
      if (!insight.meetingId && !insight.contactId && !insight.organisationId) {
        throw ValidationError.field(
          input.organisationId === null ? 'input.organisationId' : 'input.contactId',
          'an insight without a meeting keeps a contact or an organisation',
        );
      }
      return m.getRepository(Insight).save(insight);
    });
  }

  async delete(user: AuthUser, id: string): Promise<string> {
    const result = isUuid(id) ? await this.ds.getRepository(Insight).delete({ id, userId: user.id }) : null;
    if (!result?.affected) throw new NotFoundError('Insight');
    return id;
  }

  /** The user's meeting, which must be COMPLETED: insights come from a meeting that was held. */
  private async completedMeeting(m: EntityManager, user: AuthUser, id: string): Promise<Meeting> {
    const meeting = isUuid(id) ? await m.getRepository(Meeting).findOneBy({ id, userId: user.id }) : null;
    if (!meeting) throw relationNotFound('input.meetingId', 'Meeting');
    if (meeting.status !== MeetingStatus.COMPLETED) throw MeetingErrors.invalidStatus(meeting.status, 'given insights');
    return meeting;
  }

  private async ownContact(m: EntityManager, user: AuthUser, id: string, field: string): Promise<Contact> {
    const contact = isUuid(id) ? await m.getRepository(Contact).findOneBy({ id, userId: user.id }) : null;
    if (!contact) throw relationNotFound(field, 'Contact');
    return contact;
  }

  private async lockOwn(m: EntityManager, user: AuthUser, id: string): Promise<Insight> {
    const insight = isUuid(id)
      ? await m.getRepository(Insight).findOne({ where: { id, userId: user.id }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!insight) throw new NotFoundError('Insight');
    return insight;
  }

  /** Serialises one user's new insights, so two at once cannot both pass the cap. */
  private async lockInsightsOf(m: EntityManager, userId: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`insights:${userId}`]);
  }
}
