import { DateTime } from 'luxon';
import { ConflictError, relationNotFound, ValidationError } from '../../core/errors';
import type { Meeting, MeetingStatus } from './meeting.entity';

export enum MeetingErrorReason {
  OVERLAP = 'OVERLAP',
  INVALID_STATUS = 'INVALID_STATUS',
  NOT_STARTED = 'NOT_STARTED',
  CONTACT_DECLINED = 'CONTACT_DECLINED',
}

/** "Tue 14 Jan 2026, 10:00–11:00 (Europe/London)", in the meeting's own zone. */
export function describeTime(meeting: Pick<Meeting, 'startsAt' | 'endsAt' | 'timezone'>): string {
  const start = DateTime.fromJSDate(meeting.startsAt, { zone: meeting.timezone });
  const end = DateTime.fromJSDate(meeting.endsAt, { zone: meeting.timezone });
  return `${start.toFormat('ccc d LLL yyyy, HH:mm')}–${end.toFormat('HH:mm')} (${meeting.timezone})`;
}

export const MeetingErrors = {
  overlap: (clash: Pick<Meeting, 'id' | 'title' | 'startsAt' | 'endsAt' | 'timezone'>) =>
    new ConflictError(
      `This overlaps “${clash.title}”, ${describeTime(clash)}. Pass allowOverlap: true to plan it anyway.`,
      {
        reason: MeetingErrorReason.OVERLAP,
        clashingMeeting: {
          id: clash.id,
          title: clash.title,
          startsAt: clash.startsAt.toISOString(),
          endsAt: clash.endsAt.toISOString(),
        },
      },
    ),
  invalidStatus: (status: MeetingStatus, action: string) =>
    new ConflictError(`A ${status} meeting cannot be ${action}`, { reason: MeetingErrorReason.INVALID_STATUS, status }),
  contactDeclined: () =>
    new ConflictError('This contact declined. Pass reopenDeclined: true if they changed their mind.', {
      reason: MeetingErrorReason.CONTACT_DECLINED,
      fields: [{ field: 'input.contactId', message: 'has declined' }],
    }),
  notStarted: (action: string) =>
    new ConflictError(`A meeting cannot be ${action} before it starts`, { reason: MeetingErrorReason.NOT_STARTED }),
  endsBeforeStart: (prefix: string) => ValidationError.field(`${prefix}endsAt`, 'must be after startsAt'),
  tooLong: (prefix: string) => ValidationError.field(`${prefix}endsAt`, 'must be at most 12 hours after startsAt'),
  relationNotFound,
};
