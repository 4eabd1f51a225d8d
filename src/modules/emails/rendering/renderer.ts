import Handlebars from 'handlebars';
import { IANAZone } from 'luxon';
import { CONTACT_FACING, EmailKind } from '../email-kind';
import type { RenderContext, RenderedEmail, TemplateSource } from './render.types';

/** A template that breaks the rules or cannot be read; the worker treats it as unrecoverable. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line ? `line ${line}: ${message}` : message);
    this.name = 'TemplateError';
  }
}

// ---------------------------------------------------------------------------------------------
// Safety: a template is data, never code.
// ---------------------------------------------------------------------------------------------

/** The only blocks a template may use; no other helper, no partial, no decorator. */
export const ALLOWED_BLOCKS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with']);
/** `@index`, `@first`… inside {{#each}}. */
export const ALLOWED_DATA: ReadonlySet<string> = new Set(['index', 'first', 'last', 'key']);

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// Reachable through any object's prototype; never a template variable.
const PROTOTYPE_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Why a path segment is refused, or null when it is a plain variable name. */
export function badName(part: string): string | null {
  if (PROTOTYPE_NAMES.has(part)) return `"${part}" is not a template variable`;
  if (!NAME.test(part)) return `"${part}" is not a valid variable name`;
  return null;
}

const line = (node: hbs.AST.Node) => node.loc?.start.line;

/**
 * Every rule the renderer enforces, checked on the parsed template: escaped {{variables}} only
 * (no {{{…}}} or {{& …}}), {{#if}} {{#unless}} {{#each}} {{#with}} with one variable each, no
 * other helper, sub-expression, hash, partial, decorator or raw block, and names that cannot
 * reach a prototype. Returns the problems, first ones first.
 */
export function safetyProblems(ast: hbs.AST.Program): TemplateError[] {
  const problems: TemplateError[] = [];
  const fail = (node: hbs.AST.Node, message: string) => problems.push(new TemplateError(message, line(node)));

  const checkPath = (node: hbs.AST.Node, expr: hbs.AST.Expression | hbs.AST.Literal): void => {
    if (expr.type !== 'PathExpression') {
      const what = expr.type === 'SubExpression' ? 'sub-expressions (…)' : 'literal values';
      fail(node, `only variables can appear inside {{ }}, not ${what}`);
      return;
    }
    const path = expr as hbs.AST.PathExpression;
    if (path.data) {
      if (path.parts.length !== 1 || !ALLOWED_DATA.has(path.parts[0])) {
        fail(node, `@${path.parts.join('.')} is not allowed; inside {{#each}} use @index, @first or @last`);
      }
      return;
    }
    for (const part of path.parts) {
      const bad = badName(part);
      if (bad) return void fail(node, bad);
    }
  };

  const visit = (node: hbs.AST.Node | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        (node as hbs.AST.Program).body.forEach(visit);
        return;
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        if (!m.escaped) fail(m, '{{{…}}} and {{& …}} would insert raw HTML; use {{…}}');
        if (m.params.length || m.hash?.pairs.length) {
          fail(m, `helpers are not allowed: {{${pathName(m.path)} …}}`);
          return;
        }
        checkPath(m, m.path);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = pathName(b.path);
        if (b.path.type !== 'PathExpression' || !ALLOWED_BLOCKS.has(name) || b.path.parts.length !== 1) {
          fail(b, `{{#${name}}} is not allowed; use {{#if}}, {{#unless}}, {{#each}} or {{#with}}`);
          return;
        }
        if (b.params.length !== 1 || b.hash?.pairs.length) {
          fail(b, `{{#${name}}} takes exactly one variable`);
          return;
        }
        checkPath(b, b.params[0]);
        if (b.program?.blockParams?.length && (name === 'if' || name === 'unless')) {
          fail(b, `{{#${name}}} takes no "as |…|"`);
        }
        for (const p of b.program?.blockParams ?? []) {
          const bad = badName(p);
          if (bad) fail(b, bad);
        }
        visit(b.program);
        visit(b.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        fail(node, 'partials ({{> …}}) are not allowed');
        return;
      case 'Decorator':
      case 'DecoratorBlock':
        fail(node, 'decorators ({{* …}}) are not allowed');
        return;
      default:
        fail(node, `{{…}} of type ${node.type} is not allowed`);
    }
  };
  visit(ast);
  return problems;
}

function pathName(expr: hbs.AST.PathExpression | hbs.AST.Literal | hbs.AST.Expression): string {
  if (expr.type === 'PathExpression') return (expr as hbs.AST.PathExpression).original;
  return String((expr as hbs.AST.StringLiteral).original ?? expr.type);
}

/** Parses a template and applies the safety rules; throws TemplateError on the first problem. */
export function parseTemplate(source: string): hbs.AST.Program {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    throw new TemplateError(parseErrorMessage(err));
  }
  const [first] = safetyProblems(ast);
  if (first) throw first;
  return ast;
}

/** Handlebars' parse errors span several lines with an ASCII pointer; keep the sentence. */
export function parseErrorMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const where = /Parse error on line (\d+)/.exec(raw);
  const expecting = /Expecting (.+?), got '([^']+)'/.exec(raw);
  if (where) {
    return `cannot be read at line ${where[1]}${expecting ? `: unexpected ${describeToken(expecting[2])}` : ''}`;
  }
  const mismatch = /^(.+?) doesn't match (.+?) - (\d+):/.exec(raw);
  if (mismatch) return `line ${mismatch[3]}: {{/${mismatch[2]}}} does not close {{#${mismatch[1]}}}`;
  return `cannot be read: ${raw.split('\n')[0]}`;
}

function describeToken(token: string): string {
  if (token === 'EOF') return 'end of template (a block is not closed?)';
  return token.toLowerCase().replace(/_/g, ' ');
}

// Own environment: the stock `lookup` and `log` helpers are removed, so not even a template that
// slipped past the checks above could reach them. Prototype access stays disabled (the default).
const hbsEnv = Handlebars.create();
hbsEnv.unregisterHelper('lookup');
hbsEnv.unregisterHelper('log');

type Mode = 'text' | 'html' | 'strict';

const COMPILE_OPTIONS: Record<Mode, CompileOptions> = {
  text: { noEscape: true },
  html: { noEscape: false },
  strict: { noEscape: true, strict: true },
};

const CACHE_LIMIT = 500;
const cache = new Map<string, HandlebarsTemplateDelegate>();

/** A compiled template, cached by mode and source (least recently used dropped past 500). */
export function compileTemplate(source: string, mode: Mode): HandlebarsTemplateDelegate {
  const key = `${mode}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  parseTemplate(source);
  // Bodies are plain text: in the HTML part, the template's own words are escaped too, not only
  // its variables ("That was <great>." must not become markup).
  const input = mode === 'html' ? escapeLiteralText(hbsEnv.parse(source)) : source;
  const compiled = hbsEnv.compile(input, {
    ...COMPILE_OPTIONS[mode],
    knownHelpersOnly: true,
    knownHelpers: { lookup: false, log: false },
    preventIndent: true,
  });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

/** HTML-escapes every literal (ContentStatement) of a parsed template, in place. */
function escapeLiteralText<T extends hbs.AST.Node>(node: T): T {
  const walk = (n: hbs.AST.Node | null | undefined): void => {
    if (!n) return;
    if (n.type === 'ContentStatement') {
      const content = n as hbs.AST.ContentStatement;
      content.value = Handlebars.Utils.escapeExpression(content.value);
      return;
    }
    if (n.type === 'Program') (n as hbs.AST.Program).body.forEach(walk);
    if (n.type === 'BlockStatement') {
      walk((n as hbs.AST.BlockStatement).program);
      walk((n as hbs.AST.BlockStatement).inverse);
    }
  };
  walk(node);
  return node;
}

/** Runs a compiled template; Handlebars' runtime errors become TemplateErrors. */
function run(source: string, mode: Mode, view: object): string {
  const template = compileTemplate(source, mode);
  try {
    return template(view);
  } catch (err) {
    throw new TemplateError(err instanceof Error ? err.message.split('\n')[0] : String(err));
  }
}

// ---------------------------------------------------------------------------------------------
// The view model: what {{variables}} see, with every date formatted in the recipient's zone.
// ---------------------------------------------------------------------------------------------

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

export interface ViewModel {
  user: { name: string; firstName: string; email: string };
  recipient: { name: string; firstName: string; email: string };
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
  outreach: { sentOn: string; daysAgo: number } | null;
  message: string | null;
  unsubscribeUrl: Link | null;
  appUrl: Link;
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
    outreach: ctx.outreach
      ? { sentOn: formatDate(ctx.outreach.requestedAt, tz), daysAgo: wholeDaysSince(ctx.outreach.requestedAt, now) }
      : null,
    message: ctx.message,
    unsubscribeUrl: link(ctx.unsubscribeUrl),
    appUrl: link(ctx.appUrl) ?? new Link(ctx.appUrl),
  };
}

const escape = (s: string) => Handlebars.Utils.escapeExpression(s);

/** Replaces every Link with what the mode prints: the bare URL, or an <a> for HTML. */
function present(view: ViewModel, mode: 'text' | 'html'): object {
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

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

// C0 controls (CR and LF among them) and DEL.
// eslint-disable-next-line no-control-regex
const CONTROL_RUNS = /[\u0000-\u001f\u007f]+/g;

/** Header-safe: no CR/LF (or other control characters), single spaces, trimmed. */
export const headerSafe = (s: string) =>
  s
    .replace(CONTROL_RUNS, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();

/** Trailing spaces dropped, at most one blank line in a row, trimmed. */
const tidy = (s: string) =>
  s
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** Blank-line separated paragraphs become <p>, single line breaks <br>. Input is already escaped. */
function paragraphs(escaped: string): string {
  return tidy(escaped)
    .split(/\n\n+/)
    .filter((p) => p.trim())
    .map((p) => `<p style="margin:0 0 16px">${p.split('\n').join('<br>\n')}</p>`)
    .join('\n');
}

function layout(subject: string, content: string, footer: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f5f5f4">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.55;color:#1c1917">
${content}
${footer}</div>
</body>
</html>
`;
}

export interface RenderOptions {
  /** Right-hand side of the calendar UID (`<meeting id>@<domain>`); defaults to the host of appUrl. */
  calendarDomain?: string;
  /** For "days ago" and the .ics DTSTAMP; defaults to now. */
  now?: Date;
}

/**
 * Renders one email from a template and the context: a header-safe subject, a plain-text part
 * (variables as they are) and an HTML part (the same template with every variable escaped),
 * an unsubscribe footer on contact-facing kinds and an .ics invitation on prep reminders.
 * Throws TemplateError when the template breaks the rules.
 */
export function renderEmail(ctx: RenderContext, template: TemplateSource, options: RenderOptions = {}): RenderedEmail {
  const now = options.now ?? new Date();
  const view = buildViewModel(ctx, now);
  const textView = present(view, 'text');
  const htmlView = present(view, 'html');

  const subject = headerSafe(run(template.subject, 'text', textView));
  const body = tidy(run(template.body, 'text', textView));
  const htmlBody = paragraphs(run(template.body, 'html', htmlView));

  const contactFacing = CONTACT_FACING.has(ctx.kind);
  const unsubscribe = view.unsubscribeUrl?.url ?? null;
  let text = body;
  let footer = '';
  if (contactFacing) {
    const sender = ctx.user.name;
    text += `\n\n-- \n${sender} sent this email with Rapport.`;
    footer = `<p style="margin:24px 0 0;padding-top:12px;border-top:1px solid #e7e5e4;font-size:12px;color:#78716c">${escape(sender)} sent this email with Rapport.`;
    if (unsubscribe) {
      text += `\nTo stop receiving these emails: ${unsubscribe}`;
      footer += ` <a href="${escape(unsubscribe)}" style="color:#78716c">Unsubscribe</a>`;
    }
    footer += '</p>\n';
  }

  const attachments: RenderedEmail['attachments'] = [];
  // The invitation, and its withdrawal: same UID, a higher SEQUENCE (bumped by the cancel).
  const calendarMethod =
    ctx.kind === EmailKind.PREP_REMINDER || ctx.kind === EmailKind.MEETING_UPDATED
      ? 'REQUEST'
      : ctx.kind === EmailKind.MEETING_CANCELLED
        ? 'CANCEL'
        : null;
  if (calendarMethod && ctx.meeting) {
    attachments.push({
      filename: calendarMethod === 'REQUEST' ? 'invite.ics' : 'cancel.ics',
      contentType: `text/calendar; charset=utf-8; method=${calendarMethod}`,
      content: buildIcs({
        meeting: ctx.meeting,
        organizer: { name: ctx.user.name, email: ctx.user.email },
        attendee: ctx.contact?.email ? { name: ctx.contact.fullName, email: ctx.contact.email } : null,
        method: calendarMethod,
        domain: options.calendarDomain ?? hostOf(ctx.appUrl),
        now,
      }),
    });
  }

  return { subject, text: `${text}\n`, html: layout(subject, htmlBody, footer), attachments };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'rapport.invalid';
  } catch {
    return 'rapport.invalid';
  }
}

/** The subject alone, exactly as renderEmail would produce it (what lists show for a planned email). */
export function renderSubject(
  ctx: RenderContext,
  template: Pick<TemplateSource, 'subject'>,
  now: Date = new Date(),
): string {
  return headerSafe(run(template.subject, 'text', present(buildViewModel(ctx, now), 'text')));
}

/** Renders with `strict: true` (a missing variable throws); for validating against sample data. */
export function renderStrict(ctx: RenderContext, source: string, now: Date = new Date()): string {
  return run(source, 'strict', present(buildViewModel(ctx, now), 'text'));
}

// ---------------------------------------------------------------------------------------------
// iCalendar (RFC 5545)
// ---------------------------------------------------------------------------------------------

export interface IcsInput {
  meeting: Pick<
    NonNullable<RenderContext['meeting']>,
    'id' | 'title' | 'startsAt' | 'endsAt' | 'location' | 'videoUrl' | 'icsSequence'
  > & { agenda?: { text: string }[] };
  organizer: { name: string; email: string };
  attendee?: { name: string | null; email: string } | null;
  method: 'REQUEST' | 'CANCEL';
  /** Right-hand side of the UID; keep it fixed, or calendars see a different event. */
  domain: string;
  /** DTSTAMP; defaults to now. */
  now?: Date;
}

/** The stable UID of a meeting's calendar event. */
export const icsUid = (meetingId: string, domain: string) =>
  `${meetingId}@${domain.toLowerCase().replace(/[^a-z0-9.-]/g, '') || 'rapport.invalid'}`;

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** TEXT value: backslash, semicolon, comma and line breaks escaped; other controls dropped. */
export function icsText(value: string): string {
  return value
    .replace(/\r\n|\r|\n/g, '\n')
    .replace(CONTROLS, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** A quoted parameter value (CN="…"): no DQUOTE or control characters are possible inside. */
const icsParam = (value: string) =>
  `"${value
    .replace(/[\r\n\t]/g, ' ')
    .replace(CONTROLS, '')
    .replace(/"/g, "'")}"`;
/** A URI value (URL, mailto): nothing to escape, but never a line break. */
const icsUri = (value: string) => value.replace(/\s+/g, '').replace(CONTROL_RUNS, '');
/** 20260114T100000Z */
const icsDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Splits a content line into lines of at most 75 octets, never inside a UTF-8 character. */
export function foldLine(contentLine: string): string {
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of contentLine) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > 75) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  lines.push(current);
  return lines.join('\r\n');
}

/**
 * A one-event calendar: METHOD:REQUEST to invite (or update, with a higher SEQUENCE), METHOD:CANCEL
 * with STATUS:CANCELLED to withdraw it. The UID is stable per meeting so calendars replace the event.
 */
export function buildIcs(input: IcsInput): string {
  const { meeting, organizer, attendee, method } = input;
  const agenda = meeting.agenda ?? [];
  const description = [
    agenda.length ? `Agenda:\n${agenda.map((a, i) => `${i + 1}. ${a.text}`).join('\n')}` : '',
    meeting.videoUrl ? `Join: ${meeting.videoUrl}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Rapport//Rapport//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${icsUid(meeting.id, input.domain)}`,
    `SEQUENCE:${meeting.icsSequence}`,
    `DTSTAMP:${icsDate(input.now ?? new Date())}`,
    `DTSTART:${icsDate(meeting.startsAt)}`,
    `DTEND:${icsDate(meeting.endsAt)}`,
    `SUMMARY:${icsText(meeting.title)}`,
    meeting.location ? `LOCATION:${icsText(meeting.location)}` : null,
    meeting.videoUrl ? `URL:${icsUri(meeting.videoUrl)}` : null,
    description ? `DESCRIPTION:${icsText(description)}` : null,
    `ORGANIZER;CN=${icsParam(organizer.name)}:mailto:${icsUri(organizer.email)}`,
    attendee
      ? `ATTENDEE;CN=${icsParam(attendee.name ?? attendee.email)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:${icsUri(attendee.email)}`
      : null,
    `STATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ].filter((l): l is string => l !== null);
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
