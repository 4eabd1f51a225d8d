import Handlebars from 'handlebars';
import { IANAZone } from 'luxon';
import { CONTACT_FACING } from '../email-kind';
import type { RenderContext } from './render.types';

// The view model: what {{variables}} see, with every date formatted in the recipient's zone and
// the user's locale.

/** How emails wrote dates before users chose a locale, and still do for en-GB. */
const LEGACY_LOCALE = 'en-GB';

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

/** A date and a time of day as one email writes them. */
interface Written {
  date: string;
  time: string;
}

// Intl formatters per locale and zone, kept (building one costs far more than formatting with it).
const formatters = new Map<string, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat | null }>();
function formattersFor(locale: string, zone: string) {
  const key = `${locale} ${zone}`;
  let found = formatters.get(key);
  if (!found) {
    found =
      locale === LEGACY_LOCALE
        ? {
            // The en-GB names and 24-hour time luxon gave, put together below: ICU versions differ
            // on the comma after the weekday, and emails must not change with the Node version.
            date: new Intl.DateTimeFormat(LEGACY_LOCALE, {
              timeZone: zone,
              weekday: 'long',
              day: 'numeric',
              month: 'long',
              year: 'numeric',
              hour: '2-digit',
              minute: '2-digit',
              hourCycle: 'h23',
            }),
            time: null,
          }
        : {
            // The locale's own order, words and clock (en-US: "Wednesday, January 14, 2026", "10:00 AM").
            date: new Intl.DateTimeFormat(locale, {
              timeZone: zone,
              weekday: 'long',
              day: 'numeric',
              month: 'long',
              year: 'numeric',
            }),
            time: new Intl.DateTimeFormat(locale, { timeZone: zone, hour: 'numeric', minute: '2-digit' }),
          };
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(key, found);
  }
  return found;
}

// A locale is validated when it is stored; one Intl cannot use (an older ICU) falls back to en-GB.
const usableLocales = new Map<string, string>();
function localeOf(locale: string | undefined): string {
  if (!locale || locale === LEGACY_LOCALE) return LEGACY_LOCALE;
  let usable = usableLocales.get(locale);
  if (usable === undefined) {
    try {
      usable = Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : LEGACY_LOCALE;
    } catch {
      usable = LEGACY_LOCALE;
    }
    if (usableLocales.size >= 1000) usableLocales.clear();
    usableLocales.set(locale, usable);
  }
  return usable;
}

// An email shows the same instant several times (a meeting's start as date, time and range):
// the last few are kept, since formatToParts costs more than the rest of a line.
const recent = new Map<string, Written>();
function written(d: Date, tz: string, locale?: string): Written {
  const zone = zoneOf(tz);
  const loc = localeOf(locale);
  const key = `${d.getTime()} ${zone} ${loc}`;
  let found = recent.get(key);
  if (!found) {
    found = write(d, loc, zone);
    if (recent.size >= 64) recent.clear();
    recent.set(key, found);
  }
  return found;
}
function write(d: Date, locale: string, zone: string): Written {
  const { date, time } = formattersFor(locale, zone);
  if (time) return { date: date.format(d), time: time.format(d) };
  const p: Record<string, string> = {};
  for (const part of date.formatToParts(d)) p[part.type] = part.value;
  return { date: `${p.weekday} ${p.day} ${p.month} ${p.year}`, time: `${p.hour}:${p.minute}` };
}
/** "Tuesday 14 January 2026" (en-GB); "Tuesday, January 14, 2026" (en-US); "Dienstag, 14. Januar 2026" (de-DE). */
export const formatDate = (d: Date, tz: string, locale?: string) => written(d, tz, locale).date;
/** "10:00" (en-GB, de-DE); "10:00 AM" (en-US). */
export const formatTime = (d: Date, tz: string, locale?: string) => written(d, tz, locale).time;
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
  const locale = ctx.locale;
  const date = (d: Date) => formatDate(d, tz, locale);
  const time = (d: Date) => formatTime(d, tz, locale);
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
          date: date(m.startsAt),
          time: `${time(m.startsAt)}–${time(m.endsAt)}`,
          startTime: time(m.startsAt),
          endTime: time(m.endsAt),
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
          lastContacted: d.lastContactedAt ? date(d.lastContactedAt) : null,
          dueSince: date(d.dueSince),
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
      ? { sentOn: date(ctx.outreach.requestedAt), daysAgo: wholeDaysSince(ctx.outreach.requestedAt, now) }
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
