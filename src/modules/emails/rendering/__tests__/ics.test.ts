import { buildIcs, foldLine, icsText, type IcsInput } from '../calendar-invite';

const MEETING: IcsInput['meeting'] = {
  id: '6f1c1f3e-7b9a-4c3e-9a51-0d2b8f1f2a10',
  title: 'Informational interview with Grace',
  startsAt: new Date('2026-01-14T10:00:00Z'),
  endsAt: new Date('2026-01-14T10:45:00Z'),
  location: null,
  videoUrl: null,
  icsSequence: 0,
};
const ORGANIZER = { name: 'Ada Lovelace', email: 'ada@example.com' };
const NOW = new Date('2026-01-10T08:30:15.123Z');

const build = (overrides: Partial<IcsInput> = {}) =>
  buildIcs({
    meeting: MEETING,
    organizer: ORGANIZER,
    method: 'REQUEST',
    domain: 'rapport.example',
    now: NOW,
    ...overrides,
  });

/** Content lines, unfolded (RFC 5545 §3.1). */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n');
const property = (ics: string, name: string) =>
  unfold(ics).find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));

describe('buildIcs', () => {
  it('is one VEVENT with CRLF line endings and no bare LF', () => {
    const ics = build();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VEVENT\r\nEND:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(unfold(ics).filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(property(ics, 'PRODID')).toBeDefined();
  });

  it('uses a stable UID per meeting, the meeting’s SEQUENCE and UTC times', () => {
    const ics = build();
    expect(property(ics, 'UID')).toBe(`UID:${MEETING.id}@rapport.example`);
    expect(property(build({ now: new Date() }), 'UID')).toBe(property(ics, 'UID'));
    expect(property(ics, 'SEQUENCE')).toBe('SEQUENCE:0');
    expect(property(build({ meeting: { ...MEETING, icsSequence: 3 } }), 'SEQUENCE')).toBe('SEQUENCE:3');
    expect(property(ics, 'DTSTART')).toBe('DTSTART:20260114T100000Z');
    expect(property(ics, 'DTEND')).toBe('DTEND:20260114T104500Z');
    expect(property(ics, 'DTSTAMP')).toBe('DTSTAMP:20260110T083015Z');
    expect(property(ics, 'METHOD')).toBe('METHOD:REQUEST');
    expect(property(ics, 'STATUS')).toBe('STATUS:CONFIRMED');
    expect(property(ics, 'ORGANIZER')).toBe('ORGANIZER;CN="Ada Lovelace":mailto:ada@example.com');
  });

  it('cancels with METHOD:CANCEL and STATUS:CANCELLED, keeping the UID', () => {
    const ics = build({ method: 'CANCEL', meeting: { ...MEETING, icsSequence: 2 } });
    expect(property(ics, 'METHOD')).toBe('METHOD:CANCEL');
    expect(property(ics, 'STATUS')).toBe('STATUS:CANCELLED');
    expect(property(ics, 'SEQUENCE')).toBe('SEQUENCE:2');
    expect(property(ics, 'UID')).toBe(property(build(), 'UID'));
  });

  it('escapes TEXT values: backslash, semicolon, comma and line breaks', () => {
    expect(icsText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
    const ics = build({
      meeting: {
        ...MEETING,
        title: 'Coffee; then, a walk \\ talk',
        location: 'Café Nero, 12 High St\nLondon',
        videoUrl: 'https://meet.example/abc?x=1,2',
        agenda: [{ text: 'How did you start?' }, { text: 'Who else; whom, else?' }],
      },
    });
    expect(property(ics, 'SUMMARY')).toBe('SUMMARY:Coffee\\; then\\, a walk \\\\ talk');
    expect(property(ics, 'LOCATION')).toBe('LOCATION:Café Nero\\, 12 High St\\nLondon');
    expect(property(ics, 'URL')).toBe('URL:https://meet.example/abc?x=1,2');
    expect(property(ics, 'DESCRIPTION')).toBe(
      'DESCRIPTION:Agenda:\\n1. How did you start?\\n2. Who else\\; whom\\, else?\\n\\nJoin: https://meet.example/abc?x=1\\,2',
    );
  });

  it('keeps names from breaking parameters or lines', () => {
    const ics = build({
      organizer: { name: 'Ada "The Countess"\r\nLovelace', email: 'ada@example.com' },
      attendee: { name: 'Grace; Hopper', email: 'grace@example.com' },
    });
    expect(property(ics, 'ORGANIZER')).toBe(`ORGANIZER;CN="Ada 'The Countess'  Lovelace":mailto:ada@example.com`);
    expect(property(ics, 'ATTENDEE')).toBe(
      'ATTENDEE;CN="Grace; Hopper";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:grace@example.com',
    );
  });

  it('folds lines longer than 75 octets without splitting a UTF-8 character', () => {
    const title = 'Entretien d’information avec Émilie à Genève — café crème ☕ '.repeat(4);
    const ics = build({ meeting: { ...MEETING, title } });
    for (const l of ics.split('\r\n')) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
    expect(property(ics, 'SUMMARY')).toBe(`SUMMARY:${icsText(title)}`);
    // Continuation lines start with one space; no piece ends or starts inside a character.
    const folded = foldLine(`SUMMARY:${title}`).split('\r\n');
    expect(folded.length).toBeGreaterThan(2);
    expect(folded.slice(1).every((l) => l.startsWith(' '))).toBe(true);
    for (const piece of folded) expect(piece).not.toMatch(/[\uD800-\uDBFF]$|^ ?[\uDC00-\uDFFF]/);
    expect(folded.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(`SUMMARY:${title}`);
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });
});
