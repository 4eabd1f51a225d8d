import { registerEnumType } from 'type-graphql';

/** The live-updates topic of meetings changing. */
export const MEETING_CHANGED = 'meetingChanged';

export enum MeetingChangeKind {
  SCHEDULED = 'SCHEDULED',
  UPDATED = 'UPDATED',
  RESCHEDULED = 'RESCHEDULED',
  CANCELLED = 'CANCELLED',
  COMPLETED = 'COMPLETED',
  NO_SHOW = 'NO_SHOW',
}
registerEnumType(MeetingChangeKind, { name: 'MeetingChangeKind', description: 'What happened to a meeting.' });

/** What a subscriber of `meetingChanged` receives (serialised through Redis). */
export interface MeetingChangedPayload {
  meetingId: string;
  change: MeetingChangeKind;
  at: string;
}
