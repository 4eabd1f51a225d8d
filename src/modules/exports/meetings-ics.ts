import { foldLines, ICalCalendar } from 'ical-generator';
import { addMeetingEvent } from '../emails/rendering/calendar-invite';
import { MeetingStatus } from '../meetings/meeting.entity';

// A calendar of many meetings, written event by event so a download of thousands of meetings
// never holds them all: the header once, one VEVENT per meeting, the footer once.

/** One meeting as its VEVENT needs it (agenda texts in order). */
export interface IcsMeeting {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  videoUrl: string | null;
  status: MeetingStatus;
  icsSequence: number;
  updatedAt: Date;
  agenda: { text: string }[];
}

/** BEGIN:VCALENDAR and the calendar's properties; `ttl` asks subscribers to refresh that often. */
export function icsHeader(name: string, ttlSeconds?: number): string {
  const calendar = new ICalCalendar({
    prodId: { company: 'Rapport', product: 'Rapport', language: 'EN' },
    scale: 'GREGORIAN',
    name,
    ttl: ttlSeconds ?? null,
  });
  const whole = calendar.toString();
  return `${whole.slice(0, whole.lastIndexOf('END:VCALENDAR')).replace(/\r\n$/, '')}\r\n`;
}

export const ICS_FOOTER = 'END:VCALENDAR\r\n';

/**
 * One meeting's VEVENT with the UID and SEQUENCE its invitations carry, so a calendar that has
 * the invitation and the feed shows one event. Times are UTC instants (…Z): every calendar shows
 * them in its own zone, with no VTIMEZONE to get wrong. DTSTAMP is the last change, so an
 * unchanged feed renders byte for byte the same (and its ETag holds).
 */
export function meetingVEvent(meeting: IcsMeeting, domain: string): string {
  const scratch = new ICalCalendar();
  const event = addMeetingEvent(scratch, {
    meeting,
    cancelled: meeting.status === MeetingStatus.CANCELLED,
    domain,
    stamp: meeting.updatedAt,
  });
  const text = foldLines(event.toString());
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}
