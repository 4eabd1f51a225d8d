import { types } from 'pg';
import { parseTimestamptz, pgTypes, readIsoTimestamptz } from '../pg-types';

const postgresDate = types.getTypeParser(types.builtins.TIMESTAMPTZ, 'text') as (text: string) => unknown;

/** The same value from both parsers (Dates by time; Infinity and null as they are). */
function expectSame(text: string): void {
  const ours = parseTimestamptz(text);
  const theirs = postgresDate(text);
  if (theirs instanceof Date) {
    expect(ours).toBeInstanceOf(Date);
    expect({ text, time: (ours as Date).getTime() }).toEqual({ text, time: theirs.getTime() });
  } else {
    expect({ text, value: ours }).toEqual({ text, value: theirs });
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('parseTimestamptz', () => {
  it('reads what PostgreSQL writes exactly as postgres-date does, over many instants, fractions and offsets', () => {
    const offsets = ['+00', '-00', '+01', '-03', '+05:30', '-09:30', '+13:45', '+00:01:15', '-04:56:02', '+14', '-12'];
    let seed = 42;
    const next = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % max;
    };
    for (let i = 0; i < 3000; i++) {
      const fraction = next(7); // 0 to 6 digits
      const text =
        `${pad(100 + next(9900), 4)}-${pad(1 + next(12), 2)}-${pad(1 + next(28), 2)} ` +
        `${pad(next(24), 2)}:${pad(next(60), 2)}:${pad(next(60), 2)}` +
        (fraction ? `.${pad(next(10 ** fraction), fraction)}` : '') +
        offsets[next(offsets.length)];
      expect({ text, fast: readIsoTimestamptz(text) instanceof Date }).toEqual({ text, fast: true });
      expectSame(text);
    }
  });

  it('truncates microseconds to milliseconds, as postgres-date does', () => {
    expect((parseTimestamptz('2026-01-05 10:37:00.999999+00') as Date).toISOString()).toBe('2026-01-05T10:37:00.999Z');
    expect((parseTimestamptz('2026-01-05 10:37:00.1+00') as Date).toISOString()).toBe('2026-01-05T10:37:00.100Z');
    expectSame('2026-01-05 10:37:00.0005+00');
  });

  it('hands every other form to postgres-date', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00+00 BC',
      '0099-12-31 23:59:59+00',
      '12026-01-05 10:37:00+00',
      '2026-01-05 10:37:00Z',
      '2026-01-05 10:37:00.+00',
      '2026-01-05',
    ]) {
      expect(readIsoTimestamptz(text)).toBeUndefined();
      expectSame(text);
    }
  });

  it('is what Rapport’s pools use for timestamptz, and pg’s own parsers for everything else', () => {
    expect(pgTypes.getTypeParser(types.builtins.TIMESTAMPTZ, 'text')).toBe(parseTimestamptz);
    expect(pgTypes.getTypeParser(types.builtins.TIMESTAMP, 'text')).toBe(types.getTypeParser(types.builtins.TIMESTAMP));
    expect(pgTypes.getTypeParser(types.builtins.INT8, 'text')).toBe(types.getTypeParser(types.builtins.INT8));
  });
});
