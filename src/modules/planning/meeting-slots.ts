import { DateTime } from 'luxon';

/** Suggested slots start on this wall-clock grid (:00, :15, :30, :45 local). */
export const SLOT_GRID_MINUTES = 15;

/** A meeting already booked, as the slot finder sees it. */
export interface BookedMeeting {
  startsAt: Date;
  endsAt: Date;
  location: string | null;
}

/** What to find free slots for; days are local dates in `zone`, both ends included. */
export interface SlotRequest {
  zone: string;
  fromDate: string;
  toDate: string;
  workStartMinute: number;
  workEndMinute: number;
  /** ISO weekdays (1 = Monday … 7 = Sunday). */
  workingDays: readonly number[];
  durationMinutes: number;
  bufferMinutes: number;
  perDay: number;
  location: string | null;
  booked: readonly BookedMeeting[];
  now: Date;
}

export interface SlotDay {
  date: string;
  slots: { startsAt: Date; endsAt: Date }[];
}

interface Interval {
  start: number;
  end: number;
}

/** Places compare case- and space-insensitively ("Canary  Wharf" is "canary wharf"). */
export const samePlace = (a: string, b: string) =>
  a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Time kept clear around each booked meeting: the buffer on both sides, doubled (travel) when the
 * meeting is at a known place other than `location`. Merged into disjoint intervals, sorted, so a
 * candidate is checked with a binary search however many meetings are booked.
 */
function blockedIntervals(booked: readonly BookedMeeting[], bufferMs: number, location: string | null): Interval[] {
  const raw = booked
    .map((b) => {
      const travel = location !== null && b.location !== null && !samePlace(location, b.location);
      const gap = travel ? bufferMs * 2 : bufferMs;
      return { start: b.startsAt.getTime() - gap, end: b.endsAt.getTime() + gap };
    })
    .sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const i of raw) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push({ ...i });
  }
  return merged;
}

/** Whether [start, end) meets any of the disjoint, sorted intervals. */
function clashes(blocked: Interval[], start: number, end: number): boolean {
  // The last interval starting before `end` is the only one that can reach past `start`.
  let lo = 0;
  let hi = blocked.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (blocked[mid].start < end) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && blocked[found].end > start;
}

/** The instant a local wall-clock minute of `day` names; 24:00 is the next midnight. */
function localAt(day: DateTime, minute: number): DateTime {
  if (minute >= 24 * 60) return day.plus({ days: 1 }).startOf('day');
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 });
}

/**
 * Free slots, earliest first, at most `perDay` per working day: each inside the working hours of
 * its local day, starting on the grid, not in the past, clear of booked meetings and their
 * buffers, and a buffer apart from each other. Days are walked on the calendar and times built
 * from wall-clock values, so a DST change moves the instants, never the local hours; a local
 * time the change skips is not offered.
 */
export function findFreeSlots(req: SlotRequest): SlotDay[] {
  const bufferMs = req.bufferMinutes * 60_000;
  const blocked = blockedIntervals(req.booked, bufferMs, req.location);
  const last = DateTime.fromISO(req.toDate, { zone: req.zone });
  const days: SlotDay[] = [];
  for (let day = DateTime.fromISO(req.fromDate, { zone: req.zone }); day <= last; day = day.plus({ days: 1 })) {
    if (!req.workingDays.includes(day.weekday)) continue;
    const dayEnd = localAt(day, req.workEndMinute).toMillis();
    const slots: SlotDay['slots'] = [];
    let nextFree = req.now.getTime();
    for (let m = req.workStartMinute; m < req.workEndMinute && slots.length < req.perDay; m += SLOT_GRID_MINUTES) {
      const local = localAt(day, m);
      if (local.hour * 60 + local.minute !== m) continue; // skipped by a DST change
      const start = local.toMillis();
      const end = start + req.durationMinutes * 60_000;
      if (end > dayEnd) break;
      if (start < nextFree || clashes(blocked, start, end)) continue;
      slots.push({ startsAt: new Date(start), endsAt: new Date(end) });
      nextFree = end + bufferMs;
    }
    days.push({ date: day.toISODate()!, slots });
  }
  return days;
}
