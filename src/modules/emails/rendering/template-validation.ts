import Handlebars from 'handlebars';
import type { FieldError } from '../../../core/errors';
import { CONTACT_FACING, EmailKind } from '../email-kind';
import type { RenderContext, TemplateSource } from './render.types';
import { renderEmail, renderStrict } from './email-renderer';
import { RenderLimitError } from './render-limits';
import { ALLOWED_DATA, mentionsVariable, parseErrorMessage, safetyProblems, TemplateError } from './template-safety';
import type { Link, PersonView, ViewModel } from './view-model';

export const TEMPLATE_SUBJECT_MAX = 200;
export const TEMPLATE_BODY_MAX = 20_000;

// ---------------------------------------------------------------------------------------------
// The variables each kind offers: one entry per field of the view model, checked by the compiler.
// ---------------------------------------------------------------------------------------------

interface TextSpec {
  type: 'text';
  description: string;
}
interface FlagSpec {
  type: 'flag';
  description: string;
}
interface ObjectSpec<F extends Fields = Fields> {
  type: 'object';
  description: string;
  fields: F;
}
interface ListSpec<F extends Fields = Fields> {
  type: 'list';
  description: string;
  item: F;
}
type Spec = TextSpec | FlagSpec | ObjectSpec | ListSpec;
type Fields = { readonly [name: string]: Spec };

// What a view-model field must be listed as: a list of items, a group of fields, a flag for
// {{#if}}, or text (a Link prints as its URL). Tuples keep unions such as boolean in one piece.
type SpecOf<T> = [NonNullable<T>] extends [(infer Item)[]]
  ? ListSpec<FieldsOf<Item>>
  : [NonNullable<T>] extends [Link]
    ? TextSpec
    : [NonNullable<T>] extends [boolean]
      ? FlagSpec
      : [NonNullable<T>] extends [object]
        ? ObjectSpec<FieldsOf<NonNullable<T>>>
        : TextSpec;
// Every field of T listed once, with a matching spec; a field listed that T lacks is an excess
// property. The helpers below take their fields type from where they are used (NoInfer), so the
// nested lists are held to the view model as well.
type FieldsOf<T> = { readonly [K in keyof T]-?: SpecOf<T[K]> };

const text = (description: string): TextSpec => ({ type: 'text', description });
const flag = (description: string): FlagSpec => ({ type: 'flag', description });
const object = <F extends Fields>(description: string, fields: NoInfer<F>): ObjectSpec<F> => ({
  type: 'object',
  description,
  fields,
});
const list = <F extends Fields>(description: string, item: NoInfer<F>): ListSpec<F> => ({
  type: 'list',
  description,
  item,
});

const PERSON: FieldsOf<PersonView> = {
  name: text('Full name.'),
  firstName: text('First name (the first word of the name).'),
  email: text('Email address.'),
};

const VARIABLES = {
  user: object('You, the sender or the one reminded.', PERSON),
  recipient: object('Who receives this email.', PERSON),
  contact: object('The person you meet or write to.', {
    firstName: text('First name.'),
    lastName: text('Last name (may be empty).'),
    fullName: text('First and last name.'),
    email: text('Email address (may be empty).'),
    title: text('Job title (may be empty).'),
    phone: text('Phone number (may be empty).'),
    linkedinUrl: text('LinkedIn profile (may be empty).'),
  }),
  organisation: object('The organisation of the meeting or of the contact (may be empty).', {
    name: text('Name.'),
    website: text('Website.'),
    industry: text('Industry.'),
    location: text('Location.'),
    description: text('Description.'),
    structureNotes: text('Your research: structure.'),
    nicheNotes: text('Your research: niche, products, competitors.'),
    goalsNotes: text('Your research: goals and challenges.'),
    careerProspectsNotes: text('Your research: career prospects.'),
    cultureNotes: text('Your research: culture.'),
    hasResearch: flag('Whether any research notes exist.'),
  }),
  meeting: object('The meeting, with times in the recipient’s time zone, written in your locale.', {
    title: text('Title.'),
    date: text('Day, e.g. "Tuesday 14 January 2026" (en-GB) or "Tuesday, January 14, 2026" (en-US).'),
    time: text('Start and end, e.g. "10:00–10:45" (en-GB) or "10:00 AM–10:45 AM" (en-US).'),
    startTime: text('Start, e.g. "10:00".'),
    endTime: text('End, e.g. "10:45".'),
    durationMinutes: text('Length in minutes.'),
    timezone: text('The time zone the date and times are shown in.'),
    location: text('Where (may be empty).'),
    videoUrl: text('Link to the call (may be empty).'),
    notes: text('Your preparation notes (may be empty).'),
    status: text('SCHEDULED, COMPLETED, CANCELLED or NO_SHOW.'),
    agenda: list('The questions, in order: {{#each meeting.agenda}}{{number}}. {{text}}{{/each}}.', {
      number: text('Position, from 1.'),
      text: text('The question.'),
      category: text('Its topic, e.g. "Entry paths".'),
    }),
  }),
  digest: list('Contacts due for a note, most overdue first: {{#each digest}}{{fullName}}{{/each}}.', {
    fullName: text('Name.'),
    organisationName: text('Their organisation (may be empty).'),
    lastContacted: text('Date of the last interaction (may be empty).'),
    dueSince: text('Date the note became due.'),
    daysOverdue: text('Days since it became due.'),
  }),
  progress: object('Your meetings against your weekly goal.', {
    goal: text('Meetings a week you aim for (0: no goal).'),
    streak: text('Weeks in a row you met the goal.'),
    thisWeekHeld: text('Meetings held so far this week.'),
    thisWeekMet: flag('Whether this week already met the goal.'),
    lastWeekHeld: text('Meetings held last week.'),
    lastWeekMet: flag('Whether last week met the goal.'),
    toGo: text('Meetings still to hold this week to meet the goal.'),
  }),
  promises: list('Promises you made that are due today: {{#each promises}}{{description}}{{/each}}.', {
    description: text('What you promised.'),
    contactName: text('Who you promised it to (may be empty).'),
  }),
  deadlines: list('Open job leads whose deadline is today: {{#each deadlines}}{{title}}{{/each}}.', {
    title: text('The job.'),
    organisationName: text('Its organisation (may be empty).'),
    status: text('Where it stands, e.g. "Applied".'),
  }),
  outreach: object('Your request for a conversation (may be empty).', {
    sentOn: text('Date it was sent.'),
    daysAgo: text('Days since it was sent.'),
  }),
  message: text('Your own message.'),
  unsubscribeUrl: text('The recipient’s unsubscribe link, for the body only (a footer with it is always added).'),
  appUrl: text('Link to Rapport.'),
  actionUrl: text('Account emails: the single-use link the email asks you to open.'),
} satisfies FieldsOf<ViewModel>;

type Name = keyof typeof VARIABLES;
const COMMON: Name[] = ['user', 'recipient', 'appUrl'];
const MEETING: Name[] = ['contact', 'organisation', 'meeting'];
const KIND_VARIABLES: Record<EmailKind, Name[]> = {
  [EmailKind.PREP_REMINDER]: [...COMMON, ...MEETING],
  [EmailKind.THANK_YOU]: [...COMMON, ...MEETING, 'unsubscribeUrl'],
  [EmailKind.FOLLOW_UP]: [...COMMON, ...MEETING, 'unsubscribeUrl'],
  [EmailKind.KEEP_IN_TOUCH_DIGEST]: [...COMMON, 'digest', 'promises', 'deadlines'],
  [EmailKind.OUTREACH]: [...COMMON, 'contact', 'organisation', 'message', 'unsubscribeUrl'],
  [EmailKind.OUTREACH_NUDGE]: [...COMMON, 'contact', 'organisation', 'outreach'],
  [EmailKind.MEETING_CANCELLED]: [...COMMON, ...MEETING],
  [EmailKind.MEETING_UPDATED]: [...COMMON, ...MEETING],
  [EmailKind.EMAIL_VERIFICATION]: ['recipient', 'appUrl', 'actionUrl'],
  [EmailKind.PASSWORD_RESET]: ['recipient', 'appUrl', 'actionUrl'],
  [EmailKind.EMAIL_CHANGED]: ['recipient', 'appUrl'],
  [EmailKind.ACCOUNT_EXISTS]: ['recipient', 'appUrl'],
  [EmailKind.WEEKLY_DIGEST]: [...COMMON, 'progress', 'digest'],
  [EmailKind.COMMITMENT_DUE]: [...COMMON, 'promises'],
  [EmailKind.JOB_LEAD_DEADLINE]: [...COMMON, 'deadlines'],
  [EmailKind.ACCOUNT_SUSPENDED]: ['recipient', 'appUrl'],
};

const rootFields = (kind: EmailKind): Fields =>
  Object.fromEntries(KIND_VARIABLES[kind].map((name) => [name, VARIABLES[name]]));

export interface TemplateVariableInfo {
  /** `contact.firstName`; list items as `meeting.agenda[].text`. */
  name: string;
  description: string;
}

/** Every variable a template of this kind may use, for editors and documentation. */
export function templateVariables(kind: EmailKind): TemplateVariableInfo[] {
  const out: TemplateVariableInfo[] = [];
  const walk = (fields: Fields, prefix: string) => {
    for (const [name, spec] of Object.entries(fields)) {
      const path = prefix + name;
      if (spec.type === 'object') walk(spec.fields, `${path}.`);
      else {
        out.push({ name: path, description: spec.description });
        if (spec.type === 'list') walk(spec.item, `${path}[].`);
      }
    }
  };
  walk(rootFields(kind), '');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Variable resolution, scope by scope ({{#each}} and {{#with}} change what names mean).
// ---------------------------------------------------------------------------------------------

interface Scope {
  /** What `this` is here. */
  context: Spec;
  /** Names given by `as |item index|`. */
  blockParams: Map<string, Spec>;
  inEach: boolean;
  parent: Scope | null;
}

const INDEX: Spec = text('Position in the list.');
const hasOwn = (fields: Fields, name: string) => Object.prototype.hasOwnProperty.call(fields, name);
const shown = (path: hbs.AST.PathExpression) => `{{${path.original}}}`;

function resolve(path: hbs.AST.PathExpression, scope: Scope): Spec | string {
  if (path.data) {
    let s: Scope | null = scope;
    while (s && !s.inEach) s = s.parent;
    if (!s || !ALLOWED_DATA.has(path.parts[0])) return `@${path.parts.join('.')} is only available inside {{#each}}`;
    return path.parts[0] === 'first' || path.parts[0] === 'last' ? flag('') : INDEX;
  }
  let spec: Spec | undefined;
  let rest = path.parts;
  // `this.x` and `./x` name the context, never a block parameter (as in Handlebars).
  if (path.depth === 0 && rest.length && !/^\.|this\b/.test(path.original)) {
    for (let s: Scope | null = scope; s && !spec; s = s.parent) spec = s.blockParams.get(rest[0]);
    if (spec) rest = rest.slice(1);
  }
  if (!spec) {
    let s: Scope | null = scope;
    for (let i = 0; i < path.depth; i++) s = s?.parent ?? null;
    if (!s) return `${shown(path)} goes above the top of the template`;
    spec = s.context;
  }
  let walked = '';
  for (const part of rest) {
    if (spec.type !== 'object' || !hasOwn(spec.fields, part)) {
      return walked
        ? `unknown variable ${shown(path)}: ${walked} has no field "${part}"`
        : `unknown variable ${shown(path)}`;
    }
    spec = spec.fields[part];
    walked = walked ? `${walked}.${part}` : part;
  }
  return spec;
}

/** Problems with the variables a template uses, for one kind; assumes safetyProblems() found none. */
function variableProblems(ast: hbs.AST.Program, kind: EmailKind): TemplateError[] {
  const problems: TemplateError[] = [];
  const fail = (node: hbs.AST.Node, message: string) => problems.push(new TemplateError(message, node.loc?.start.line));
  const root: Scope = {
    context: object('', rootFields(kind)),
    blockParams: new Map(),
    inEach: false,
    parent: null,
  };

  const visit = (node: hbs.AST.Node | undefined, scope: Scope): void => {
    if (!node) return;
    if (node.type === 'Program') {
      (node as hbs.AST.Program).body.forEach((n) => visit(n, scope));
    } else if (node.type === 'MustacheStatement') {
      const path = (node as hbs.AST.MustacheStatement).path as hbs.AST.PathExpression;
      const spec = resolve(path, scope);
      if (typeof spec === 'string') fail(node, spec);
      else if (spec.type === 'object') fail(node, `${shown(path)} is a group of fields; use one of them`);
      else if (spec.type === 'list') fail(node, `${shown(path)} is a list; use {{#each ${path.original}}}…{{/each}}`);
    } else if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      const helper = block.path.original;
      const param = block.params[0] as hbs.AST.PathExpression;
      const spec = resolve(param, scope);
      if (typeof spec === 'string') return void fail(node, spec);
      const [first, second] = block.program.blockParams ?? [];
      if (helper === 'each') {
        if (spec.type !== 'list') return void fail(node, `{{#each}} needs a list; ${param.original} is not one`);
        const item = object('', spec.item);
        const params = new Map<string, Spec>();
        if (first) params.set(first, item);
        if (second) params.set(second, INDEX);
        visit(block.program, { context: item, blockParams: params, inEach: true, parent: scope });
      } else if (helper === 'with') {
        if (spec.type !== 'object')
          return void fail(node, `{{#with}} needs a group of fields; ${param.original} is not one`);
        const params = new Map<string, Spec>(first ? [[first, spec]] : []);
        visit(block.program, { context: spec, blockParams: params, inEach: false, parent: scope });
      } else {
        visit(block.program, scope);
      }
      visit(block.inverse, scope);
    }
  };
  visit(ast, root);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Sample data, to render every template once before it is saved.
// ---------------------------------------------------------------------------------------------

const SAMPLE_START = new Date('2026-01-14T10:00:00Z');

/** A context with every field filled, so a strict render fails only on a real mistake. */
export function sampleContext(kind: EmailKind): RenderContext {
  const user = { name: 'Ada Lovelace', email: 'ada@example.com', timezone: 'Europe/London' };
  const contact = {
    firstName: 'Grace',
    lastName: 'Hopper',
    fullName: 'Grace Hopper',
    email: 'grace@example.com',
    title: 'Rear Admiral',
    phone: '+1 555 0100',
    linkedinUrl: 'https://www.linkedin.com/in/grace-hopper',
  };
  return {
    kind,
    recipient: CONTACT_FACING.has(kind)
      ? { name: contact.fullName, email: contact.email, timezone: 'America/New_York' }
      : { name: user.name, email: user.email, timezone: user.timezone },
    user,
    contact,
    organisation: {
      name: 'Acme',
      website: 'https://acme.example',
      industry: 'Software',
      location: 'London',
      description: 'Makes things.',
      structureNotes: 'Flat.',
      nicheNotes: 'Rockets.',
      goalsNotes: 'Growth.',
      careerProspectsNotes: 'Good.',
      cultureNotes: 'Friendly.',
    },
    meeting: {
      id: '00000000-0000-4000-8000-000000000000',
      title: 'Informational interview with Grace',
      startsAt: SAMPLE_START,
      endsAt: new Date(SAMPLE_START.getTime() + 45 * 60_000),
      timezone: 'Europe/London',
      location: 'Café Nero',
      videoUrl: 'https://meet.example/abc',
      notes: 'Ask about the graduate scheme.',
      status: 'SCHEDULED',
      icsSequence: 0,
      agenda: [{ text: 'How did you get into this field?', category: 'ENTRY_PATHS' }],
    },
    digest: [
      {
        fullName: 'Grace Hopper',
        organisationName: 'Acme',
        lastContactedAt: new Date('2025-10-01T09:00:00Z'),
        dueSince: new Date('2025-12-01T09:00:00Z'),
      },
    ],
    promises: [{ description: 'Send Grace my portfolio', contactName: 'Grace Hopper' }],
    deadlines: [{ title: 'Data analyst', organisationName: 'Acme', status: 'APPLIED' }],
    message: 'I am moving into software and would love to hear how you started.',
    outreach: { requestedAt: new Date('2026-01-01T09:00:00Z') },
    progress: { goal: 3, streak: 2, thisWeek: { held: 1, met: false }, lastWeek: { held: 3, met: true } },
    unsubscribeUrl: 'https://rapport.example/unsubscribe/sample',
    appUrl: 'https://rapport.example',
    actionUrl: 'https://rapport.example/verify-email?token=sample',
  };
}

// ---------------------------------------------------------------------------------------------

function checkPart(source: string, field: string, kind: EmailKind, max: number, singleLine: boolean): FieldError[] {
  const problem = (message: string): FieldError[] => [{ field, message }];
  if (typeof source !== 'string' || !source.trim()) return problem('must not be blank');
  if (source.length > max) return problem(`must be at most ${max} characters`);
  if (singleLine && /[\r\n]/.test(source)) return problem('must be on one line');
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    return problem(parseErrorMessage(err));
  }
  const problems = safetyProblems(ast);
  // A subject is shown to the user (lists, previews): the link there would be theirs to click.
  if (!problems.length && singleLine && mentionsVariable(ast, 'unsubscribeUrl')) {
    return problem('cannot use {{unsubscribeUrl}}; the unsubscribe link is added to the body');
  }
  if (!problems.length) problems.push(...variableProblems(ast, kind));
  if (!problems.length) {
    try {
      renderStrict(sampleContext(kind), source, SAMPLE_START);
    } catch (err) {
      problems.push(err instanceof TemplateError ? err : new TemplateError(String(err)));
    }
  }
  return problems.slice(0, 5).map((p) => ({ field, message: p.message }));
}

/**
 * Everything wrong with a template for this kind, as `input.subject` / `input.body` field errors:
 * blank or too long, unreadable, forbidden constructs (raw {{{…}}}, helpers, partials…),
 * unknown variables, or a failure to render the sample data. Empty when it is fine.
 */
export function validateTemplate(source: TemplateSource, kind: EmailKind): FieldError[] {
  const errors = [
    ...checkPart(source.subject, 'input.subject', kind, TEMPLATE_SUBJECT_MAX, true),
    ...checkPart(source.body, 'input.body', kind, TEMPLATE_BODY_MAX, false),
  ];
  if (errors.length) return errors;
  try {
    renderEmail(sampleContext(kind), source, { now: SAMPLE_START });
  } catch (err) {
    if (err instanceof RenderLimitError) return [{ field: `input.${err.field}`, message: err.message }];
    return [
      { field: 'input.body', message: `cannot be rendered: ${err instanceof Error ? err.message : String(err)}` },
    ];
  }
  return [];
}
