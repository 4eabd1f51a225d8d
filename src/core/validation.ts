import { registerDecorator, type ValidationOptions } from 'class-validator';
import { IANAZone } from 'luxon';

/** A class-validator rule that skips null/undefined (optional fields). */
export function rule(name: string, test: (value: unknown) => boolean, message: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message, ...options },
      validator: { validate: (value) => value === undefined || value === null || test(value) },
    });
}

// Also accepts plain UTC, which IANA lists but without a slash.
export const isIanaTimeZone = (v: string) => v === 'UTC' || (v.includes('/') && IANAZone.isValidZone(v));

/** A zone name from the IANA database, e.g. `Europe/Paris` or `UTC` (not an offset like `+02:00`). */
export const IsIanaTimeZone = (options?: ValidationOptions) =>
  rule(
    'isIanaTimeZone',
    (v) => typeof v === 'string' && isIanaTimeZone(v),
    'must be an IANA time zone name such as Europe/London',
    options,
  );

/** `YYYY-MM-DD` naming a day that exists (years 0001–9999, leap years included). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year >= 1 && days !== undefined && day >= 1 && day <= days;
}

// C0 controls and DEL; names and titles never need them and they break headers and logs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const NoControlCharacters = (options?: ValidationOptions) =>
  rule(
    'noControlCharacters',
    (v) => typeof v === 'string' && !CONTROL.test(v),
    'must not contain control characters',
    options,
  );

export const hasControlCharacters = (v: string) => CONTROL.test(v);

export function minutesToLocalTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function localTimeToMinutes(value: string): number {
  const [h, m] = value.split(':').map(Number);
  return h * 60 + m;
}

/** The locale every account has until it chooses another (and every account made before locales). */
export const DEFAULT_LOCALE = 'en-GB';
/** Longer than any tag Rapport accepts (language, script, region and a few variants). */
export const LOCALE_MAX_LENGTH = 64;

/**
 * The canonical form of a BCP 47 tag that Node's Intl formats dates for (`en-us` → `en-US`,
 * `iw` → `he`), or null: not a well-formed tag, a language Intl has no data for, or a tag with
 * extensions (`-u-…`, `-t-…`, `-x-…`), which would change calendars and numbering behind the
 * settings Rapport shows.
 */
export function canonicalLocale(value: string): string | null {
  if (typeof value !== 'string' || !value || value.length > LOCALE_MAX_LENGTH) return null;
  let tag: string;
  try {
    [tag] = Intl.getCanonicalLocales(value);
  } catch {
    return null;
  }
  if (!tag || /-[0-9a-z]-/i.test(`${tag}-`)) return null;
  return Intl.DateTimeFormat.supportedLocalesOf([tag], { localeMatcher: 'lookup' }).length ? tag : null;
}

/** A BCP 47 locale Node's Intl supports, e.g. `en-GB` or `de-DE` (canonicalised by the service). */
export const IsSupportedLocale = (options?: ValidationOptions) =>
  rule(
    'isSupportedLocale',
    (v) => typeof v === 'string' && canonicalLocale(v) !== null,
    'must be a BCP 47 locale with date formats, such as en-GB, en-US or de-DE (no -u- or -x- extensions)',
    options,
  );
