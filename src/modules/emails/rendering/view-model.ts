import Handlebars from 'handlebars';
import { IANAZone } from 'luxon';
import { CONTACT_FACING } from '../email-kind';
import type { RenderContext } from './render.types';

// The view model: what {{variables}} see, with every date formatted in the recipient's zone.

const LOCALE = 'en-GB';

// luxon builds an Intl.DateTimeFormat to answer isValidZone, on every call: remember the answers
// (a bounded number: zone names come from stored settings, but nothing here trusts that).
const zoneValidity = new Map<string, boolean>();
const zoneOf = (tz: string) => {
  let valid = zoneValidity.get(tz);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(tz);
    if (zoneValidity.size >= 1000) zoneValidity.clear();
    zoneValidity.set(tz, valid);
  }
  return valid ? tz : 'UTC';
};

// One Intl formatter per zone, kept (building one costs far more than formatting with it): the
// same en-GB names and 24-hour time luxon gave, without a DateTime per date.
const formatters = new Map<string, Intl.DateTimeFormat>();
// An email shows the same instant several times (a meeting's start as date, time and range):
// the parts of the last few are kept, since formatToParts costs more than the rest of a line.
const recentParts = new Map<string, Readonly<Record<string, string>>>();
function partsOf(d: Date, tz: string): Readonly<Record<string, string>> {
  const zone = zoneOf(tz);
  const key = `${d.getTime()} ${zone}`;
  let parts = recentParts.get(key);
  if (!parts) {
    parts = formatParts(d, zone);
    if (recentParts.size >= 64) recentParts.clear();
    recentParts.set(key, parts);
  }
  return parts;
}
function formatParts(d: Date, zone: string): Readonly<Record<string, string>> {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(LOCALE, {
      timeZone: zone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(zone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(d)) parts[part.type] = part.value;
  return parts;
}
/** "Tuesday 14 January 2026" */
export const formatDate = (d: Date, tz: string) => {
  const p = partsOf(d, tz);
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
};
/** "10:00" */
export const formatTime = (d: Date, tz: string) => {
  const p = partsOf(d, tz);
  return `${p.hour}:${p.minute}`;
};
const firstWord = (name: string | null | undefined) => (name ?? '').trim().split(/\s+/)[0] ?? '';
const wholeDaysSince = (d: Date, now: Date) => Math.max(0, Math.floor((now.getTime() - d.getTime()) / 86_400_000));
/** ENTRY_PATHS → "Entry paths" */
const label = (value: string) => {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A URL that the HTML part shows as a link: only from fields Rapport fills or validates itself. */
export class Link {
  constructor(readonly url: string) {}
}

/** A person as templates see them: the user, or whoever receives the email. */
export interface PersonView {
  name: string;
  firstName: string;
  email: string;
}

/** What a template's {{variables}} see; template-validation.ts lists them for editors. */
export interface ViewModel {
  user: PersonView;
  recipient: PersonView;
  contact: RenderContext['contact'];
  organisation: (NonNullable<RenderContext['organisation']> & { hasResearch: boolean }) | null;
  meeting: {
    title: string;
    date: string;
    time: string;
    startTime: string;
    endTime: string;
    durationMinutes: number;
    timezone: string;
    location: string | null;
    videoUrl: Link | null;
    notes: string | null;
    status: string;
    agenda: { number: number; text: string; category: string }[];
  } | null;
  digest:
    | {
        fullName: string;
        organisationName: string | null;
        lastContacted: string | null;
        dueSince: string;
        daysOverdue: number;
      }[]
    | null;
  progress: {
    goal: number;
    streak: number;
    thisWeekHeld: number;
    thisWeekMet: boolean;
    lastWeekHeld: number;
    lastWeekMet: boolean;
    toGo: number;
  } | null;
  promises: { description: string; contactName: string | null }[] | null;
  deadlines: { title: string; organisationName: string | null; status: string }[] | null;
  outreach: { sentOn: string; daysAgo: number } | null;
  message: string | null;
  unsubscribeUrl: Link | null;
  appUrl: Link;
  actionUrl: Link | null;
}

const link = (url: string | null | undefined): Link | null => (url && /^https?:\/\//i.test(url) ? new Link(url) : null);

/** The variables a template sees, built from the context; `now` only matters for "days ago". */
export function buildViewModel(ctx: RenderContext, now: Date = new Date()): ViewModel {
  const tz = ctx.recipient.timezone;
  const contactFacing = CONTACT_FACING.has(ctx.kind);
  // A contact-facing email always greets someone, even if the contact row is gone.
  const contact =
    ctx.contact ??
    (contactFacing && ctx.recipient.name
      ? {
          firstName: firstWord(ctx.recipient.name),
          lastName: null,
          fullName: ctx.recipient.name,
          email: ctx.recipient.email,
          title: null,
          phone: null,
          linkedinUrl: null,
        }
      : null);
  const org = ctx.organisation;
  const m = ctx.meeting;
  return {
    user: { name: ctx.user.name, firstName: firstWord(ctx.user.name), email: ctx.user.email },
    recipient: {
      name: ctx.recipient.name ?? '',
      firstName: firstWord(ctx.recipient.name),
      email: ctx.recipient.email,
    },
    contact: contact
      ? {
          firstName: contact.firstName,
          lastName: contact.lastName,
          fullName: contact.fullName,
          email: contact.email,
          title: contact.title,
          phone: contact.phone,
          linkedinUrl: contact.linkedinUrl,
        }
      : null,
    organisation: org
      ? {
          ...org,
          hasResearch: !!(
            org.structureNotes ||
            org.nicheNotes ||
            org.goalsNotes ||
            org.careerProspectsNotes ||
            org.cultureNotes
          ),
        }
      : null,
    meeting: m
      ? {
          title: m.title,
          date: formatDate(m.startsAt, tz),
          time: `${formatTime(m.startsAt, tz)}–${formatTime(m.endsAt, tz)}`,
          startTime: formatTime(m.startsAt, tz),
          endTime: formatTime(m.endsAt, tz),
          durationMinutes: Math.round((m.endsAt.getTime() - m.startsAt.getTime()) / 60_000),
          timezone: zoneOf(tz),
          location: m.location,
          videoUrl: link(m.videoUrl),
          notes: m.notes,
          status: m.status,
          agenda: m.agenda.map((a, i) => ({ number: i + 1, text: a.text, category: label(a.category) })),
        }
      : null,
    digest: ctx.digest
      ? ctx.digest.map((d) => ({
          fullName: d.fullName,
          organisationName: d.organisationName,
          lastContacted: d.lastContactedAt ? formatDate(d.lastContactedAt, tz) : null,
          dueSince: formatDate(d.dueSince, tz),
          daysOverdue: wholeDaysSince(d.dueSince, now),
        }))
      : null,
    progress: ctx.progress
      ? {
          goal: ctx.progress.goal,
          streak: ctx.progress.streak,
          thisWeekHeld: ctx.progress.thisWeek.held,
          thisWeekMet: ctx.progress.thisWeek.met,
          lastWeekHeld: ctx.progress.lastWeek.held,
          lastWeekMet: ctx.progress.lastWeek.met,
          toGo: Math.max(0, ctx.progress.goal - ctx.progress.thisWeek.held),
        }
      : null,
    promises: ctx.promises?.length ? ctx.promises : null,
    deadlines: ctx.deadlines?.length ? ctx.deadlines.map((d) => ({ ...d, status: label(d.status) })) : null,
    outreach: ctx.outreach
      ? { sentOn: formatDate(ctx.outreach.requestedAt, tz), daysAgo: wholeDaysSince(ctx.outreach.requestedAt, now) }
      : null,
    message: ctx.message,
    unsubscribeUrl: link(ctx.unsubscribeUrl),
    appUrl: link(ctx.appUrl) ?? new Link(ctx.appUrl),
    actionUrl: link(ctx.actionUrl),
  };
}

const escape = (s: string) => Handlebars.Utils.escapeExpression(s);

/** Replaces every Link with what the mode prints: the bare URL, or an <a> for HTML. */
export function presentView(view: ViewModel, mode: 'text' | 'html'): object {
  const convert = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(convert);
    if (value instanceof Link) {
      return mode === 'text'
        ? value.url
        : new Handlebars.SafeString(`<a href="${escape(value.url)}" style="color:#1d4ed8">${escape(value.url)}</a>`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
  };
  return convert(view) as object;
}
