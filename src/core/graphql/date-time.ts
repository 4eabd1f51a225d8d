import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from there on toISOString writes a six-digit, signed year. */
const YEAR_10000 = 253_402_300_800_000;

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `YYYY-MM-DDT` of recent days; bounded, emptied when full. */
const dayPrefixes = new Map<number, string>();

/**
 * `date.toISOString()`, computed from the day's cached `YYYY-MM-DDT` and the time of day with
 * integer arithmetic: V8's toISOString costs about a microsecond a call here, and a page of
 * meetings writes two or three instants per row. Years outside 0000–9999 go to toISOString.
 */
export function isoString(date: Date): string {
  const time = date.getTime();
  if (!(time >= 0 && time < YEAR_10000)) return date.toISOString();
  const day = Math.floor(time / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = date.toISOString().slice(0, 11);
    if (dayPrefixes.size >= 4_096) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = time - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  return `${prefix}${TWO[hours]}:${TWO[minutes]}:${TWO[seconds]}.${THREE[rest - seconds * 1_000]}Z`;
}

/**
 * The `DateTimeISO` scalar of graphql-scalars (type-graphql's default for Date), the same name,
 * description, parsing and errors, serialising valid Dates with isoString.
 */
const graphqlScalars = GraphQLDateTimeISO.toConfig();
export const DateTimeISO = new GraphQLScalarType({
  ...graphqlScalars,
  serialize(value: unknown): string {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return isoString(value);
    return graphqlScalars.serialize(value) as string;
  },
});
