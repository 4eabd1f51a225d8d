import { EmailKind } from '../email-kind';
import type { RenderContext, RenderedEmail } from './render.types';

// The meeting as an iCalendar (RFC 5545) invitation.

// C0 controls (CR and LF among them) and DEL.
// eslint-disable-next-line no-control-regex
const CONTROL_RUNS = /[\u0000-\u001f\u007f]+/g;

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

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** TEXT value: backslash, semicolon, comma and line breaks escaped; other controls dropped. */
export function icsText(value: string): string {
  return value
    .replace(/\r\n|\r|\n/g, '\n')
    .replace(CONTROLS, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** A quoted parameter value (CN="…"): no DQUOTE or control characters are possible inside. */
const icsParam = (value: string) =>
  `"${value
    .replace(/[\r\n\t]/g, ' ')
    .replace(CONTROLS, '')
    .replace(/"/g, "'")}"`;
/** A URI value (URL, mailto): nothing to escape, but never a line break. */
const icsUri = (value: string) => value.replace(/\s+/g, '').replace(CONTROL_RUNS, '');
/** 20260114T100000Z */
const icsDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Splits a content line into lines of at most 75 octets, never inside a UTF-8 character. */
export function foldLine(contentLine: string): string {
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of contentLine) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > 75) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  lines.push(current);
  return lines.join('\r\n');
}

/**
 * A one-event calendar: METHOD:REQUEST to invite (or update, with a higher SEQUENCE), METHOD:CANCEL
 * with STATUS:CANCELLED to withdraw it. The UID is stable per meeting so calendars replace the event.
 */
export function buildIcs(input: IcsInput): string {
  const { meeting, organizer, attendee, method } = input;
  const agenda = meeting.agenda ?? [];
  const description = [
    agenda.length ? `Agenda:\n${agenda.map((a, i) => `${i + 1}. ${a.text}`).join('\n')}` : '',
    meeting.videoUrl ? `Join: ${meeting.videoUrl}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Rapport//Rapport//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${icsUid(meeting.id, input.domain)}`,
    `SEQUENCE:${meeting.icsSequence}`,
    `DTSTAMP:${icsDate(input.now ?? new Date())}`,
    `DTSTART:${icsDate(meeting.startsAt)}`,
    `DTEND:${icsDate(meeting.endsAt)}`,
    `SUMMARY:${icsText(meeting.title)}`,
    meeting.location ? `LOCATION:${icsText(meeting.location)}` : null,
    meeting.videoUrl ? `URL:${icsUri(meeting.videoUrl)}` : null,
    description ? `DESCRIPTION:${icsText(description)}` : null,
    `ORGANIZER;CN=${icsParam(organizer.name)}:mailto:${icsUri(organizer.email)}`,
    attendee
      ? `ATTENDEE;CN=${icsParam(attendee.name ?? attendee.email)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:${icsUri(attendee.email)}`
      : null,
    `STATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ].filter((l): l is string => l !== null);
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

function hostOf(url: string): string {
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
