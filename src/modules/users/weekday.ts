import { registerEnumType } from 'type-graphql';

/** A day of the week; stored as its ISO number (1 = Monday … 7 = Sunday), as luxon numbers them. */
export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}
registerEnumType(Weekday, { name: 'Weekday' });

const ORDER = Object.values(Weekday);

export const weekdayToIso = (day: Weekday): number => ORDER.indexOf(day) + 1;
export const isoToWeekday = (iso: number): Weekday => ORDER[iso - 1];
