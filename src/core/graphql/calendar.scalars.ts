import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isCalendarDate } from '../validation';

/**
 * A client's value one of these scalars refused. graphql-js wraps it in a BAD_USER_INPUT
 * error whose message holds the path of the field at fault; formatError turns that into
 * `fields`, as for the inputs class-validator checks.
 */
export class ScalarValueError extends GraphQLError {}

const LOCAL_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

function stringScalar(name: string, description: string, valid: (value: string) => boolean, rule: string) {
  const check = (value: unknown, node?: ValueNode): string => {
    if (typeof value === 'string' && valid(value)) return value;
    throw new ScalarValueError(rule, { nodes: node });
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    // Values come from our own rows (date columns read as text, times from minutes): a bad one
    // is a bug, answered as an internal error rather than sent.
    serialize: (value) => {
      if (typeof value === 'string' && valid(value)) return value;
      throw new TypeError(`${name} cannot represent ${String(value)}`);
    },
    parseValue: (value) => check(value),
    parseLiteral: (node) => check(node.kind === Kind.STRING ? node.value : undefined, node),
    extensions: { codegenScalarType: 'string', jsonSchema: { title: name, type: 'string' } },
  });
}

/** A calendar day, `YYYY-MM-DD`, that exists (years 0001–9999). */
export const LocalDate = stringScalar(
  'LocalDate',
  'A calendar day with no time or zone, as `YYYY-MM-DD` (ISO 8601), e.g. `2026-12-01`; the day must exist (no 2026-02-30). Read in your time zone where it matters (a due date, a deadline).',
  isCalendarDate,
  'must be a day that exists, as YYYY-MM-DD',
);

/** A wall-clock time `HH:mm`, 00:00–23:59; no seconds (times are kept to the minute). */
export const LocalTime = stringScalar(
  'LocalTime',
  'A time of day with no date or zone, 24-hour `HH:mm` from `00:00` to `23:59`, e.g. `08:30`. Seconds are not accepted (times are kept to the minute).',
  (v) => LOCAL_TIME.test(v),
  'must be a time of day as HH:mm, 00:00 to 23:59',
);

/** Like LocalTime, and `24:00` too: the end of a daily range that runs to midnight. */
export const LocalEndTime = stringScalar(
  'LocalEndTime',
  'The end of a daily time range: `HH:mm` like LocalTime, or `24:00` for midnight at the end of the day.',
  (v) => v === '24:00' || LOCAL_TIME.test(v),
  'must be a time of day as HH:mm, 00:00 to 24:00',
);

/** Where a variable error of these scalars points (`input.dueOn`), from graphql-js's message. */
export function scalarErrorField(error: GraphQLError): { field: string; message: string } | undefined {
  const cause = error.originalError;
  if (!(cause instanceof ScalarValueError) || !error.message.endsWith(`; ${cause.message}`)) return undefined;
  const head = error.message.slice(0, -cause.message.length - 2);
  // `Variable "$input" got invalid value "x" at "input.dueOn"`; without a path, the variable.
  const at = /at "([^"\\]+)"$/.exec(head) ?? /^Variable "\$(\w+)"/.exec(head);
  return at ? { field: at[1], message: cause.message } : undefined;
}
