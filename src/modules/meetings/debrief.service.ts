import type { DataSource } from 'typeorm';
import { relationNotFound } from '../../core/errors';
import { isUuid } from '../../core/ids';
import { cleanText } from '../../core/inputs';
import type { AuthUser } from '../auth/access-tokens';
import { AgendaItem } from './agenda-item.entity';
import { MeetingStatus } from './meeting.entity';
import { MeetingErrors } from './meeting.errors';
import type { AgendaAnswerInput } from './meeting.inputs';

/** Meetings whose answers can be noted: during and after the meeting, not once it did not happen. */
const ANSWERABLE: readonly MeetingStatus[] = [MeetingStatus.SCHEDULED, MeetingStatus.COMPLETED];

/** The debrief after completeMeeting: answers to the agenda stay editable. */
export class DebriefService {
  constructor(private readonly ds: DataSource) {}

  /** Notes, corrects or (with "") removes the answer to one agenda question. */
  setAnswer(user: AuthUser, input: AgendaAnswerInput): Promise<AgendaItem> {
    return this.ds.transaction(async (m) => {
      // The meeting is locked, so a cancel or a debrief at the same moment comes before or after.
      const [row]: { meeting_id: string; status: MeetingStatus }[] = isUuid(input.agendaItemId)
        ? await m.query(
            `SELECT a.meeting_id, mt.status FROM meeting_agenda_items a
             JOIN meetings mt ON mt.id = a.meeting_id AND mt.user_id = a.user_id
             WHERE a.id = $1 AND a.user_id = $2 FOR UPDATE OF mt`,
            [input.agendaItemId, user.id],
          )
        : [];
      if (!row) throw relationNotFound('input.agendaItemId', 'Agenda item');
      if (!ANSWERABLE.includes(row.status)) throw MeetingErrors.invalidStatus(row.status, 'given answers');
      const repo = m.getRepository(AgendaItem);
      await repo.update({ id: input.agendaItemId, userId: user.id }, { answer: cleanText(input.answer) ?? null });
      return repo.findOneByOrFail({ id: input.agendaItemId, userId: user.id });
    });
  }
}
