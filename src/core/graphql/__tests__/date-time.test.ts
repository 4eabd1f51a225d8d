import { GraphQLDateTimeISO } from 'graphql-scalars';
import { DateTimeISO, isoString } from '../date-time';

describe('isoString', () => {
  it('writes what toISOString writes, over many instants', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const instants = [
      0,
      1,
      999,
      86_399_999,
      86_400_000,
      951_782_400_000, // 2000-02-29
      1_798_761_599_999, // 2026-12-31T23:59:59.999Z
      253_402_300_799_999, // 9999-12-31T23:59:59.999Z
      253_402_300_800_000, // +010000-01-01
      -1,
      -62_198_755_200_000, // year 0
      8.64e15,
      -8.64e15,
    ];
    for (let i = 0; i < 5_000; i++) instants.push(Math.floor(next() * 4_102_444_800_000)); // 1970–2100
    for (let i = 0; i < 500; i++) instants.push(1_798_000_000_000 + i * 37_123); // one day after another
    for (const time of instants) {
      const date = new Date(time);
      expect({ time, iso: isoString(date) }).toEqual({ time, iso: date.toISOString() });
    }
  });
});

describe('DateTimeISO', () => {
  it('is graphql-scalars’ scalar with a faster serialize: same name, description, parsing and errors', () => {
    expect(DateTimeISO.name).toBe(GraphQLDateTimeISO.name);
    expect(DateTimeISO.description).toBe(GraphQLDateTimeISO.description);
    const date = new Date('2026-01-05T10:37:00.123Z');
    expect(DateTimeISO.serialize(date)).toBe('2026-01-05T10:37:00.123Z');
    expect(DateTimeISO.serialize('2026-01-05T10:37:00Z')).toBe(GraphQLDateTimeISO.serialize('2026-01-05T10:37:00Z'));
    expect(() => DateTimeISO.serialize(new Date(NaN))).toThrow(/invalid Date/);
    expect(() => DateTimeISO.serialize({})).toThrow(/cannot be serialized/);
    expect(DateTimeISO.parseValue('2026-01-05T10:37:00+01:00')).toEqual(new Date('2026-01-05T09:37:00Z'));
    expect(() => DateTimeISO.parseValue('yesterday')).toThrow();
  });
});
