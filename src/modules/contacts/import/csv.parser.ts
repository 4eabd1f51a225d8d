import { CsvError, parse } from 'csv-parse/sync';
import { ValidationError } from '../../../core/errors';
import { clean, emptyRow, IMPORT_LIMITS, splitFullName, type ImportField, type ParsedFile } from './import-row';

/** Column name (as in the header) → field. */
export type ColumnMap = Map<string, ImportField>;

// Headers Rapport recognises without a column map: LinkedIn, Outlook and Google Contacts
// exports (compared lower-cased, spaces squeezed). A bare "Title" is left out: Outlook means Dr./Ms.
const KNOWN_HEADERS: Record<string, ImportField> = {
  'first name': 'firstName',
  'given name': 'firstName',
  'last name': 'lastName',
  'family name': 'lastName',
  surname: 'lastName',
  name: 'fullName',
  'full name': 'fullName',
  'email address': 'email',
  'e-mail address': 'email',
  'e-mail 1 - value': 'email',
  email: 'email',
  'mobile phone': 'phone',
  'business phone': 'phone',
  'phone 1 - value': 'phone',
  phone: 'phone',
  position: 'title',
  'job title': 'title',
  'organization 1 - title': 'title',
  'organization title': 'title',
  company: 'organisationName',
  'organization 1 - name': 'organisationName',
  'organization name': 'organisationName',
  organisation: 'organisationName',
  organization: 'organisationName',
  url: 'linkedinUrl',
  'linkedin url': 'linkedinUrl',
  linkedin: 'linkedinUrl',
  // A web page column often holds the LinkedIn profile; any other URL in it is left out.
  'web page': 'linkedinUrl',
  'website 1 - value': 'linkedinUrl',
  website: 'linkedinUrl',
  notes: 'notes',
  'connected on': 'connectedOn',
};

const headerKey = (header: string) => header.trim().toLowerCase().replace(/\s+/g, ' ');

// Where each line starts, so parsing can resume after a broken record.
function lineStarts(content: string): number[] {
  const starts = [0];
  const ends = /\r\n|\n|\r/g;
  while (ends.exec(content)) starts.push(ends.lastIndex);
  return starts;
}

/**
 * The records from line `from` on, each with the (1-based) line it ends on. A broken record
 * (a stray or unclosed quote) is an error at the line where it starts, and reading resumes on
 * the line after it; the work stays bounded by a few passes over the file whatever it holds.
 */
function readRecords(content: string, from: number, result: ParsedFile): { record: string[]; line: number }[] {
  const records: { record: string[]; line: number }[] = [];
  const starts = lineStarts(content);
  let line = from;
  let scanned = 0;
  while (line <= starts.length) {
    const offset = starts[line - 1];
    const first = line;
    let last = line - 1;
    try {
      parse(content.slice(offset), {
        bom: line === 1,
        relax_column_count: true,
        skip_empty_lines: true,
        max_record_size: IMPORT_LIMITS.recordChars,
        on_record: (record: string[], context) => {
          last = first - 1 + context.lines;
          if (records.length > IMPORT_LIMITS.rows) {
            throw ValidationError.field('input.content', `must hold at most ${IMPORT_LIMITS.rows} contacts`);
          }
          records.push({ record, line: last });
          return null;
        },
      });
      break;
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      scanned += content.length - offset;
      // The broken record starts on the first non-blank line after the last good one.
      let bad = last + 1;
      while (bad < starts.length && content.slice(starts[bad - 1], starts[bad]).trim() === '') bad++;
      result.errors.push({ line: bad, message: 'is not a valid CSV record (check its quotes)' });
      if (scanned > 4 * content.length + 1_000_000) {
        result.errors.push({ line: bad + 1, message: 'and the lines after it were not read: too many broken records' });
        break;
      }
      line = bad + 1;
    }
  }
  return records;
}

/**
 * Reads a CSV whose header is on `headerLine` (1-based) into rows. Columns are recognised by
 * their header, or named in `columnMap`; a malformed record is one line's error, never the file's.
 */
export function parseCsv(content: string, columnMap?: ColumnMap, headerLine = 1): ParsedFile {
  const result: ParsedFile = { rows: [], errors: [], skipped: 0 };
  const records = readRecords(content, headerLine, result);
  const [header, ...body] = records;
  if (!header) return result;
  const fields = header.record.map((name) => {
    const key = headerKey(name);
    for (const [column, field] of columnMap ?? []) if (headerKey(column) === key) return field;
    return columnMap?.size ? undefined : KNOWN_HEADERS[key];
  });
  if (columnMap) {
    const known = new Set(header.record.map(headerKey));
    const missing = [...columnMap.keys()].find((column) => !known.has(headerKey(column)));
    if (missing !== undefined) {
      throw ValidationError.field('input.columnMap', `names a column the file does not have: ${missing.slice(0, 100)}`);
    }
  }
  for (const { record, line } of body) {
    const row = emptyRow(line);
    let fullName: string | null = null;
    fields.forEach((field, i) => {
      const value = clean(record[i]);
      if (!field || value === null) return;
      if (field === 'fullName') fullName = value;
      else if (row[field] === null) row[field] = value;
    });
    splitFullName(row, fullName);
    result.rows.push(row);
  }
  return result;
}

/**
 * LinkedIn's Connections.csv: a few lines of notes ("Notes:", a warning about e-mail addresses)
 * come before the header row, which starts with First Name.
 */
export function parseLinkedinCsv(content: string): ParsedFile {
  const lines = content.slice(0, 10_000).split(/\r\n|\n|\r/);
  const index = lines.findIndex((line) => /^\uFEFF?"?first name"?\s*,/i.test(line));
  if (index < 0) {
    throw ValidationError.field('input.content', 'is not a LinkedIn Connections.csv (no "First Name" header)');
  }
  return parseCsv(content, undefined, index + 1);
}
