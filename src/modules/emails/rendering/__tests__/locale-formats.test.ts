import { canonicalLocale } from '../../../../core/validation';
import { formatDate, formatTime } from '../view-model';

// 14:05 UTC on Wednesday 16 January 2030: 15:05 in Berlin.
const AT = new Date('2030-01-16T14:05:00Z');
const ZONE = 'Europe/Berlin';

describe('dates in the user’s locale', () => {
  it('keeps en-GB (and no locale) exactly as emails always wrote it', () => {
    for (const locale of ['en-GB', undefined]) {
      expect(formatDate(AT, ZONE, locale)).toBe('Wednesday 16 January 2030');
      expect(formatTime(AT, ZONE, locale)).toBe('15:05');
    }
  });

  it('writes other locales in their own order, words and clock', () => {
    expect(formatDate(AT, ZONE, 'en-US')).toBe('Wednesday, January 16, 2030');
    expect(formatTime(AT, ZONE, 'en-US')).toMatch(/^3:05\sPM$/u);
    expect(formatDate(AT, ZONE, 'de-DE')).toBe('Mittwoch, 16. Januar 2030');
    expect(formatTime(AT, ZONE, 'de-DE')).toBe('15:05');
    expect(formatDate(AT, ZONE, 'fr-CA')).toMatch(/^mercredi 16 janvier 2030$/);
  });

  it('falls back to en-GB for a stored locale Intl has no data for, and to UTC for an unknown zone', () => {
    expect(formatDate(AT, ZONE, 'xx')).toBe('Wednesday 16 January 2030');
    expect(formatTime(AT, 'Not/AZone', 'de-DE')).toBe('14:05');
  });
});

describe('canonicalLocale', () => {
  it('canonicalises the tags Intl formats dates for', () => {
    expect(canonicalLocale('en-gb')).toBe('en-GB');
    expect(canonicalLocale('EN-US')).toBe('en-US');
    expect(canonicalLocale('iw')).toBe('he');
    expect(canonicalLocale('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalLocale('de-DE-1996')).toBe('de-DE-1996');
  });

  it('refuses malformed tags, unknown languages, extensions and overlong input', () => {
    for (const bad of ['', 'en_US', 'english', 'xx', 'und', 'en-GB-u-hc-h12', 'en-x-private', `en-${'a'.repeat(70)}`]) {
      expect([bad, canonicalLocale(bad)]).toEqual([bad, null]);
    }
  });
});
