import {
  ICalAttendeeRole,
  type ICalEvent,
  ICalAttendeeStatus,
  ICalCalendar,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import { EmailKind } from '../email-kind';
import type { RenderContext, RenderedEmail } from './render.types';

// The meeting as an iCalendar (RFC 5545) invitation. ical-generator writes the format: TEXT
// escaping, line folding at 75 octets, UTC dates. What it leaves to us is cleaned here first:
// control characters, a DQUOTE inside a quoted parameter, and separators inside a URI (which it
// would backslash-escape, as if the URI were text).

export interface IcsInput {
  meeting: Pick<
    NonNullable<RenderContext['meeting']>,
    'id' | 'title' | 'startsAt' | 'endsAt' | 'location' | 'videoUrl' | 'icsSequence'
  > & { agenda?: { text: string }[] };
  organizer: { name: string; email: string };
  attendee?: { name: string | null; email: string } | null;
  method: 'REQUEST' | 'CANCEL';
  /** Right-hand side of the UID; keep it fixed, or calendars see a different event. */
  domain: string;
  /** DTSTAMP; defaults to now. */
  now?: Date;
}

/** The stable UID of a meeting's calendar event. */
export const icsUid = (meetingId: string, domain: string) =>
  `${meetingId}@${domain.toLowerCase().replace(/[^a-z0-9.-]/g, '') || 'rapport.invalid'}`;

// Control characters other than tab and line feed; CR is turned into LF before this applies.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_RUNS = /[\u0000-\u001f\u007f]+/g;

/** A TEXT value before escaping: line breaks kept as LF, other controls dropped. */
const plainText = (value: string) => value.replace(/\r\n|\r/g, '\n').replace(CONTROLS, '');
/** A quoted parameter value (CN="…"): one line, no controls, no DQUOTE. */
const paramText = (value: string) =>
  value
    .replace(/[\r\n\t]/g, ' ')
    .replace(CONTROLS, '')
    .replace(/"/g, "'");
/** A URI value: no white space or controls, and `,` `;` `\` percent-encoded so none is escaped. */
const uri = (value: string) =>
  value
    .replace(/\s+/g, '')
    .replace(CONTROL_RUNS, '')
    .replace(/[,;\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** What one meeting's VEVENT needs: the same for an invitation, a download and the live feed. */
export interface MeetingEventInput {
  meeting: IcsInput['meeting'];
  /** Invitations name the user as organizer; a user's own feed and downloads leave it out. */
  organizer?: IcsInput['organizer'] | null;
  attendee?: IcsInput['attendee'];
  cancelled: boolean;
  domain: string;
  /** DTSTAMP. */
  stamp: Date;
}

/**
 * Adds one meeting to a calendar. Its UID is stable per meeting, and SEQUENCE rises with every
 * reschedule or cancel, so every calendar holding it replaces the event instead of adding one.
 */
export function addMeetingEvent(calendar: ICalCalendar, input: MeetingEventInput): ICalEvent {
  const { meeting, organizer, attendee } = input;
  const agenda = meeting.agenda ?? [];
  const description = [
    agenda.length ? `Agenda:\n${agenda.map((a, i) => `${i + 1}. ${a.text}`).join('\n')}` : '',
    meeting.videoUrl ? `Join: ${meeting.videoUrl}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const organizerEmail = organizer ? uri(organizer.email) : '';
  return calendar.createEvent({
    id: icsUid(meeting.id, input.domain),
    sequence: meeting.icsSequence,
    stamp: input.stamp,
    start: meeting.startsAt,
    end: meeting.endsAt,
    summary: plainText(meeting.title),
    location: meeting.location ? plainText(meeting.location) : null,
    url: meeting.videoUrl ? uri(meeting.videoUrl) : null,
    description: description ? plainText(description) : null,
    // The library refuses an organizer without a name: the address stands in for it.
    organizer: organizer ? { name: paramText(organizer.name) || organizerEmail, email: organizerEmail } : null,
    attendees: attendee
      ? [
          {
            name: paramText(attendee.name ?? attendee.email) || uri(attendee.email),
            email: uri(attendee.email),
            role: ICalAttendeeRole.REQ,
            status: ICalAttendeeStatus.NEEDSACTION,
            rsvp: false,
          },
        ]
      : [],
    status: input.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
}

/**
 * A one-event calendar: METHOD:REQUEST to invite (or update, with a higher SEQUENCE), METHOD:CANCEL
 * with STATUS:CANCELLED to withdraw it. The UID is stable per meeting so calendars replace the event.
 */
export function buildIcs(input: IcsInput): string {
  const { method } = input;
  const calendar = new ICalCalendar({
    prodId: { company: 'Rapport', product: 'Rapport', language: 'EN' },
    scale: 'GREGORIAN',
    method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  addMeetingEvent(calendar, {
    meeting: input.meeting,
    organizer: input.organizer,
    attendee: input.attendee,
    cancelled: method === 'CANCEL',
    domain: input.domain,
    stamp: input.now ?? new Date(),
  });
  // Every content line ends in CRLF, the last one too (RFC 5545 §3.1); the library omits that one.
  return `${calendar.toString()}\r\n`;
}

/** The host name calendar UIDs end in: the one invitations use (PUBLIC_URL's host). */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'rapport.invalid';
  } catch {
    return 'rapport.invalid';
  }
}

/**
 * The .ics attachment of a meeting email, or null for kinds without one: the invitation on a prep
 * reminder or an update, its withdrawal on a cancellation (same UID, a SEQUENCE the cancel bumped).
 */
export function calendarAttachment(
  ctx: RenderContext,
  options: { domain?: string; now: Date },
): RenderedEmail['attachments'][number] | null {
  const method =
    ctx.kind === EmailKind.PREP_REMINDER || ctx.kind === EmailKind.MEETING_UPDATED
      ? 'REQUEST'
      : ctx.kind === EmailKind.MEETING_CANCELLED
        ? 'CANCEL'
        : null;
  if (!method || !ctx.meeting) return null;
  return {
    filename: method === 'REQUEST' ? 'invite.ics' : 'cancel.ics',
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content: buildIcs({
      meeting: ctx.meeting,
      organizer: { name: ctx.user.name, email: ctx.user.email },
      attendee: ctx.contact?.email ? { name: ctx.contact.fullName, email: ctx.contact.email } : null,
      method,
      domain: options.domain ?? hostOf(ctx.appUrl),
      now: options.now,
    }),
  };
}
