/** One contact as read from a file, before matching; `line` is where it starts in the file (1-based). */
export interface ImportRow {
  line: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  linkedinUrl: string | null;
  /** The day the user and the contact connected, as the file writes it (LinkedIn: "15 Mar 2023"). */
  connectedOn: string | null;
  organisationName: string | null;
  organisationDomain: string | null;
  notes: string | null;
}

/** A line that could not be imported, and why (shown to the user as is). */
export interface ImportLineError {
  line: number;
  message: string;
}

/** What a parser read: rows to match, lines it refused, blank rows it skipped. */
export interface ParsedFile {
  rows: ImportRow[];
  errors: ImportLineError[];
  skipped: number;
}

/** The fields a column can feed. */
export type ImportField = Exclude<keyof ImportRow, 'line'> | 'fullName';

/** Limits on what one file may hold; past them the import is refused as a whole. */
export const IMPORT_LIMITS = {
  /** Characters of `content` (a 5 MB LinkedIn export of ~20,000 connections fits). */
  contentChars: 8_000_000,
  rows: 25_000,
  /** Characters of one CSV record or vCard, so one line cannot hold the whole file. */
  recordChars: 64_000,
  columnMapEntries: 30,
} as const;

export const emptyRow = (line: number): ImportRow => ({
  line,
  firstName: null,
  lastName: null,
  email: null,
  phone: null,
  title: null,
  linkedinUrl: null,
  connectedOn: null,
  organisationName: null,
  organisationDomain: null,
  notes: null,
});

/** Trims a value; empty becomes null. */
export const clean = (value: string | null | undefined): string | null => {
  const trimmed = (value ?? '').trim();
  return trimmed === '' ? null : trimmed;
};

/** Fills first/last name from a full name when the file has only that ("Ada King Lovelace" → Ada, King Lovelace). */
export function splitFullName(row: ImportRow, fullName: string | null): void {
  if (!fullName || row.firstName || row.lastName) return;
  const [first, ...rest] = fullName.split(/\s+/);
  row.firstName = first;
  row.lastName = rest.length ? rest.join(' ') : null;
}
