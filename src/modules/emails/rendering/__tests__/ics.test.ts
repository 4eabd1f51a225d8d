import { buildIcs, type IcsInput } from '../calendar-invite';

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

/** One content line read back: name, parameters (quotes removed) and the raw value (§3.1). */
function parse(line: string | undefined) {
  const match = /^([A-Z-]+)((?:;[A-Z-]+=(?:"[^"]*"|[^";:,]*))*):(.*)$/.exec(line ?? '');
  if (!match) throw new Error(`not a content line: ${line}`);
  const params: Record<string, string> = {};
  for (const [, key, value] of match[2].matchAll(/;([A-Z-]+)=("[^"]*"|[^";:,]*)/g)) {
    params[key] = value.replace(/^"(.*)"$/, '$1');
  }
  return { name: match[1], params, value: match[3] };
}
/** A TEXT value unescaped (§3.3.11). */
const text = (value: string) => value.replace(/\\([\\;,nN])/g, (_, c: string) => (c.toLowerCase() === 'n' ? '\n' : c));

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
    expect(property(build({ meeting: { ...MEETING, title: 'a\\b;c,d\ne\r\nf\rg' } }), 'SUMMARY')).toBe(
      'SUMMARY:a\\\\b\\;c\\,d\\ne\\nf\\ng',
    );
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
    // A URI is not TEXT: no backslash escapes; the comma may be percent-encoded, as it is here.
    const url = parse(property(ics, 'URL'));
    expect(url.params.VALUE ?? 'URI').toBe('URI');
    expect(url.value).not.toContain('\\');
    expect(url.value).toMatch(/^https:\/\/meet\.example\/abc\?x=1(,|%2C)2$/);
    expect(new URL(url.value).searchParams.get('x')).toBe('1,2');
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
    // Parameters may come in any order; CN stays quoted, so its ";" does not end it.
    expect(property(ics, 'ATTENDEE')).toContain(';CN="Grace; Hopper"');
    const attendee = parse(property(ics, 'ATTENDEE'));
    expect(attendee.params).toEqual({
      CN: 'Grace; Hopper',
      ROLE: 'REQ-PARTICIPANT',
      PARTSTAT: 'NEEDS-ACTION',
      RSVP: 'FALSE',
    });
    // The URI scheme is case-insensitive (RFC 3986 §3.1).
    expect(attendee.value.replace(/^mailto:/i, 'mailto:')).toBe('mailto:grace@example.com');
  });

  it('keeps line breaks and control characters from adding or breaking properties', () => {
    const ics = build({
      meeting: {
        ...MEETING,
        title: 'Hi\u0000\u0007 there\u001b\r\nATTENDEE:mailto:evil@example.com',
        location: 'Room\u007f 4\rBCC:evil@example.com',
        videoUrl: 'https://meet.example/a b\r\nX-EVIL:1',
        agenda: [{ text: 'Why?\u0008' }],
      },
      organizer: { name: 'Ada\u0001\tLovelace\nX-EVIL:1', email: 'ada@example.com\r\nX-EVIL:1' },
    });
    // eslint-disable-next-line no-control-regex
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
    const lines = unfold(ics);
    expect(lines.filter((l) => /^(ATTENDEE|BCC|X-EVIL)\b/.test(l))).toEqual([]);
    expect(text(parse(property(ics, 'SUMMARY')).value)).toBe('Hi there\nATTENDEE:mailto:evil@example.com');
    expect(text(parse(property(ics, 'LOCATION')).value)).toBe('Room 4\nBCC:evil@example.com');
    expect(parse(property(ics, 'URL')).value).toBe('https://meet.example/abX-EVIL:1');
    expect(parse(property(ics, 'ORGANIZER'))).toEqual({
      name: 'ORGANIZER',
      params: { CN: 'Ada Lovelace X-EVIL:1' },
      value: 'mailto:ada@example.comX-EVIL:1',
    });
  });

  it('folds lines longer than 75 octets without splitting a UTF-8 character', () => {
    const title = `${'Entretien d’information avec Émilie à Genève — café crème ☕ '.repeat(4)}${'📅'.repeat(40)}`;
    const ics = build({ meeting: { ...MEETING, title } });
    const physical = ics.split('\r\n');
    for (const l of physical) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
    expect(property(ics, 'SUMMARY')).toBe(`SUMMARY:${title}`);
    expect(text(parse(property(ics, 'SUMMARY')).value)).toBe(title);
    // Continuation lines start with one space; no piece ends or starts inside a character.
    const first = physical.findIndex((l) => l.startsWith('SUMMARY:'));
    let end = first + 1;
    while (physical[end].startsWith(' ')) end++;
    const folded = physical.slice(first, end);
    expect(folded.length).toBeGreaterThan(2);
    for (const piece of folded) expect(piece).not.toMatch(/[\uD800-\uDBFF]$|^ ?[\uDC00-\uDFFF]/);
    expect(folded.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(`SUMMARY:${title}`);
    // A line within the limit is left whole.
    expect(build({ meeting: { ...MEETING, title: 'x'.repeat(60) } }).split('\r\n')).toContain(
      `SUMMARY:${'x'.repeat(60)}`,
    );
  });
});
