// vCard 4.0 (RFC 6350), written here because it is small and exact: TEXT escaping (§3.4),
// folding at 75 octets without splitting a UTF-8 sequence (§3.2), CRLF line ends, UTF-8 only.

/** One contact as the vCard needs it. */
export interface VCardContact {
  id: string;
  firstName: string;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  linkedinUrl: string | null;
  organisationName: string | null;
  notes: string | null;
  tags: string[];
  timezone: string | null;
  updatedAt: Date;
}

const MAX_LINE_OCTETS = 75;
// Control characters other than line breaks, which escaping turns into \n.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g;

/** A TEXT value (or one component of a compound one): \ , ; and line breaks escaped. */
export function escapeText(value: string): string {
  return value
    .replace(CONTROLS, '')
    .replace(/[\\,;]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** A URI value: no white space or controls (nothing in a URI is backslash-escaped). */
const uriValue = (value: string) => value.replace(/[\s\u0000-\u001f\u007f]+/g, ''); // eslint-disable-line no-control-regex

/** Splits a content line into physical lines of at most 75 octets, continuations led by a space. */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS) return `${line}\r\n`;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  // for…of walks code points, so a multi-byte character never straddles two lines.
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1; // the leading space counts
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return `${out.join('\r\n ')}\r\n`;
}

const stamp = (d: Date) =>
  `${d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;

/** One contact as a vCard 4.0: standard properties any address book (and importContacts) reads. */
export function contactVCard(c: VCardContact): string {
  const fullName = [c.firstName, c.lastName].filter(Boolean).join(' ');
  const lines = [
    'BEGIN:VCARD',
    'VERSION:4.0',
    `UID:urn:uuid:${c.id}`,
    `FN:${escapeText(fullName)}`,
    `N:${escapeText(c.lastName ?? '')};${escapeText(c.firstName)};;;`,
  ];
  if (c.email) lines.push(`EMAIL;TYPE=work:${escapeText(c.email)}`);
  if (c.phone) lines.push(`TEL;VALUE=text:${escapeText(c.phone)}`);
  if (c.organisationName) lines.push(`ORG:${escapeText(c.organisationName)}`);
  if (c.title) lines.push(`TITLE:${escapeText(c.title)}`);
  if (c.linkedinUrl) lines.push(`URL;TYPE=work:${uriValue(c.linkedinUrl)}`);
  if (c.tags.length) lines.push(`CATEGORIES:${c.tags.map(escapeText).join(',')}`);
  if (c.timezone) lines.push(`TZ;VALUE=text:${escapeText(c.timezone)}`);
  if (c.notes) lines.push(`NOTE:${escapeText(c.notes)}`);
  lines.push(`REV:${stamp(c.updatedAt)}`, 'END:VCARD');
  return lines.map(foldLine).join('');
}
