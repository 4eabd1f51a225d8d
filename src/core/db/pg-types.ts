import { types } from 'pg';

type TypeParser = (text: string) => unknown;

const TIMESTAMPTZ = types.builtins.TIMESTAMPTZ;
/** pg's own parser (postgres-date), for every form the fast path does not take. */
const generalTimestamptz = types.getTypeParser(TIMESTAMPTZ, 'text') as TypeParser;

/** The number written by `length` ASCII digits at `at`, or NaN. */
function digits(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}

/**
 * A `timestamptz` as PostgreSQL writes it with DateStyle ISO — `2026-01-05 10:37:00.123456+00`,
 * `… +05:30`, `… -03:00:15` — read into a Date with the same value postgres-date gives
 * (microseconds truncated to milliseconds), without its regular expressions. Anything else
 * (BC dates, years before 100 or after 9999, infinity) goes to postgres-date itself. A list
 * page reads one to three of these per row.
 */
export function parseTimestamptz(text: string): unknown {
  return readIsoTimestamptz(text) ?? generalTimestamptz(text);
}

/** The fast path of parseTimestamptz: undefined for any form it leaves to postgres-date. */
export function readIsoTimestamptz(text: string): Date | undefined {
  const n = text.length;
  if (
    n < 22 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 || // space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    // .f to .ffffff: the first three digits are the milliseconds, the rest is truncated.
    i++;
    let scale = 100;
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      ms += d * scale;
      scale /= 10;
      i++;
    }
    if (i === start) return undefined;
    ms = Math.floor(ms);
  }
  const sign = text.charCodeAt(i);
  if (sign !== 43 && sign !== 45) return undefined; // + or -
  let offsetSeconds = digits(text, i + 1, 2) * 3600;
  i += 3;
  if (i < n && text.charCodeAt(i) === 58) {
    offsetSeconds += digits(text, i + 1, 2) * 60;
    i += 3;
    if (i < n && text.charCodeAt(i) === 58) {
      offsetSeconds += digits(text, i + 1, 2);
      i += 3;
    }
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (i !== n || year < 100 || Number.isNaN(utc) || Number.isNaN(offsetSeconds)) return undefined;
  return new Date(utc - (sign === 45 ? -1 : 1) * offsetSeconds * 1000);
}

/** The pg type parsers of Rapport's pools: pg's defaults, with the fast timestamptz above. */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): TypeParser {
    if (oid === TIMESTAMPTZ && format !== 'binary') return parseTimestamptz;
    return types.getTypeParser(oid, format as 'text') as TypeParser;
  },
};
