import ICAL from 'ical.js';
import { decode as decodeQuotedPrintable } from 'quoted-printable';
import { ValidationError } from '../../../core/errors';
import { clean, emptyRow, IMPORT_LIMITS, splitFullName, type ImportRow, type ParsedFile } from './import-row';
import { linkedinKey } from './matching';

type Value = string | string[] | unknown;

/** A property's value as text: quoted-printable (vCard 2.1 and many Android exports) decoded as UTF-8. */
function text(property: ICAL.Property | null, value: Value = property?.getValues().join(',')): string | null {
  if (!property || typeof value !== 'string') return null;
  const encoding = String(property.getParameter('encoding') ?? '').toUpperCase();
  // RFC 6350 §3.4: a writer may escape ";" in any text value, and ical.js undoes "\;" only in
  // structured ones (N, ORG). (A literal backslash before a bare ";" reads as ";": rare, and lossy
  // only by that backslash.)
  if (encoding !== 'QUOTED-PRINTABLE') return clean(value.replace(/\\;/g, ';'));
  const charset = String(property.getParameter('charset') ?? 'UTF-8').toUpperCase();
  const bytes = Buffer.from(decodeQuotedPrintable(value), 'latin1');
  return clean(bytes.toString(charset === 'UTF-8' ? 'utf8' : 'latin1'));
}

/** The structured parts of N or ORG (family;given;… / name;unit;…). */
function parts(property: ICAL.Property | null): (string | null)[] {
  const value = property?.getFirstValue();
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return list.map((part) => text(property, Array.isArray(part) ? part.join(' ') : part));
}

function toRow(card: ICAL.Component, line: number): ImportRow {
  const row = emptyRow(line);
  const [family, given] = parts(card.getFirstProperty('n'));
  row.firstName = given ?? null;
  row.lastName = family ?? null;
  splitFullName(row, text(card.getFirstProperty('fn')));
  // The preferred address first (TYPE=pref in 3.0, PREF=1 in 4.0), else the first one.
  const emails = card.getAllProperties('email');
  const preferred = emails.find((p) => {
    const type = p.getParameter('type');
    return (
      (Array.isArray(type) ? type : [type]).some((t) => String(t).toLowerCase() === 'pref') ||
      p.getParameter('pref') === '1'
    );
  });
  row.email = text(preferred ?? emails[0] ?? null);
  row.phone = text(card.getFirstProperty('tel'));
  row.title = text(card.getFirstProperty('title'));
  row.organisationName = parts(card.getFirstProperty('org'))[0] ?? null;
  for (const url of card.getAllProperties('url')) {
    const value = text(url);
    if (value && linkedinKey(value)) row.linkedinUrl ??= value;
  }
  row.notes = text(card.getFirstProperty('note'));
  return row;
}

// vCard 2.1 writes bare parameters (TEL;CELL:…), which ical.js refuses; they mean TYPE=CELL.
const bareParameters = (line: string) => {
  const colon = line.indexOf(':');
  if (colon < 0) return line;
  const [name, ...params] = line.slice(0, colon).split(';');
  const fixed = params.map((p) => (p.includes('=') ? p : `TYPE=${p}`));
  return [name, ...fixed].join(';') + line.slice(colon);
};

/**
 * Reads every card of a .vcf file (3.0 or 4.0, also 2.1 as Android writes it): folded lines,
 * quoted-printable values, UTF-8 names. A card that cannot be read is one error at its BEGIN line.
 */
export function parseVcard(content: string): ParsedFile {
  const result: ParsedFile = { rows: [], errors: [], skipped: 0 };
  const lines = content.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let card: string[] | null = null;
  let start = 0;
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (/^BEGIN:VCARD\s*$/i.test(line)) {
      if (card) result.errors.push({ line: start, message: 'has no END:VCARD' });
      card = [];
      start = i + 1;
      size = 0;
    }
    if (!card) {
      if (line.trim()) result.errors.push({ line: i + 1, message: 'is outside any BEGIN:VCARD … END:VCARD' });
      continue;
    }
    // A quoted-printable soft line break (a trailing "=") continues on the next line.
    if (/ENCODING=QUOTED-PRINTABLE/i.test(line.slice(0, line.indexOf(':') + 1))) {
      while (line.endsWith('=') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    }
    size += line.length;
    card.push(/^[ \t]/.test(line) ? line : bareParameters(line));
    if (!/^END:VCARD\s*$/i.test(line)) continue;
    if (result.rows.length >= IMPORT_LIMITS.rows) {
      throw ValidationError.field('input.content', `must hold at most ${IMPORT_LIMITS.rows} contacts`);
    }
    if (size > IMPORT_LIMITS.recordChars)
      result.errors.push({ line: start, message: 'is a vCard too large to import' });
    else {
      try {
        const parsed = new ICAL.Component(ICAL.parse(card.join('\r\n')) as unknown[]);
        result.rows.push(toRow(parsed, start));
      } catch {
        result.errors.push({ line: start, message: 'is not a valid vCard' });
      }
    }
    card = null;
  }
  if (card) result.errors.push({ line: start, message: 'has no END:VCARD' });
  return result;
}
