import { randomUUID } from 'node:crypto';
import { isEmail } from 'class-validator';
import { DateTime } from 'luxon';
import { LIMITS } from '../../../core/inputs';
import { ImportAction, type ImportedContact } from './contact-import.types';
import type { ImportLineError, ImportRow, ParsedFile } from './import-row';
import { domainKey, linkedinKey, nameKey, personKey } from './matching';

/** A contact as the import reads and writes it. */
export interface ImportContact {
  id: string;
  firstName: string;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  linkedinUrl: string | null;
  /** YYYY-MM-DD. */
  connectedOn: string | null;
  organisationId: string | null;
  notes: string | null;
}

export interface ImportOrganisation {
  id: string;
  name: string;
  domain: string | null;
}

/** Everything the import will write; computed without writing, so a dry run is the same plan. */
export interface ImportPlan {
  newOrganisations: ImportOrganisation[];
  newContacts: ImportContact[];
  /** Existing contacts with the empty fields the file fills (nothing set is ever overwritten). */
  updatedContacts: ImportContact[];
  /** Of those, the ones that got an email address (their planned emails are re-planned). */
  emailFilled: string[];
  /** Rows that filled fields of an existing contact. */
  updatedRows: number;
  duplicates: number;
  skipped: number;
  /** The first errors, in file order; errorCount counts them all. */
  errors: ImportLineError[];
  errorCount: number;
  outcomes: ImportedContact[];
}

const OUTCOMES_SHOWN = 100;
const ERRORS_SHOWN = 1000;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f]+/g;
const PHONE = /^\+?[0-9 ().-]{3,40}$/;
const FILLABLE = ['lastName', 'email', 'phone', 'title', 'linkedinUrl', 'connectedOn', 'organisationId'] as const;

const label = (value: string | null) => (value === null ? null : value.replace(CONTROLS, ' ').trim() || null);

/** LinkedIn's "15 Mar 2023" (English month names) or an ISO date, as YYYY-MM-DD; null otherwise. */
export function connectedDay(value: string | null): string | null {
  if (!value || value.length > 40) return null;
  for (const parsed of [DateTime.fromFormat(value, 'd MMM yyyy', { locale: 'en' }), DateTime.fromISO(value)]) {
    if (parsed.isValid && parsed.year >= 1900 && parsed.year <= 9999) return parsed.toISODate();
  }
  return null;
}

/** The row as it would be stored, or the reason it cannot be. */
function validRow(row: ImportRow): { row: ImportRow } | { error: string } | null {
  const r: ImportRow = {
    ...row,
    firstName: label(row.firstName),
    lastName: label(row.lastName),
    title: label(row.title),
    organisationName: label(row.organisationName),
    email: row.email?.toLowerCase().replace(/^mailto:/, '') ?? null,
  };
  if (!r.firstName && r.lastName) [r.firstName, r.lastName] = [r.lastName, null];
  if (!r.firstName) return r.email || r.linkedinUrl ? { error: 'has no name' } : null;
  if (r.firstName.length > 100) return { error: 'has a first name longer than 100 characters' };
  if (r.lastName && r.lastName.length > 100) return { error: 'has a last name longer than 100 characters' };
  if (r.title && r.title.length > LIMITS.shortText)
    return { error: `has a title longer than ${LIMITS.shortText} characters` };
  if (r.organisationName && r.organisationName.length > LIMITS.name) {
    return { error: `has an organisation name longer than ${LIMITS.name} characters` };
  }
  if (r.notes && r.notes.length > LIMITS.notes) return { error: `has notes longer than ${LIMITS.notes} characters` };
  if (r.email && (r.email.length > 254 || !isEmail(r.email)))
    return { error: 'has an email address that is not valid' };
  // A profile URL is kept in one canonical form; anything else in the column is not a profile.
  const key = r.linkedinUrl && r.linkedinUrl.length <= LIMITS.url ? linkedinKey(r.linkedinUrl) : null;
  r.linkedinUrl = key ? `https://www.linkedin.com${key}` : null;
  if (r.phone && !PHONE.test(r.phone)) r.phone = null;
  // A date the file writes some other way is left out: the contact matters more than the day.
  r.connectedOn = connectedDay(r.connectedOn);
  r.organisationDomain = domainKey(r.organisationDomain);
  return { row: r };
}

/**
 * Matches each row of the file with the user's contacts and organisations (and the rows before
 * it): a person is the same by email (case-folded), LinkedIn profile, or name at the same
 * organisation; an organisation by domain or by name (case and spaces aside).
 */
export function planImport(
  file: ParsedFile,
  contacts: ImportContact[],
  organisations: ImportOrganisation[],
): ImportPlan {
  const plan: ImportPlan = {
    newOrganisations: [],
    newContacts: [],
    updatedContacts: [],
    emailFilled: [],
    updatedRows: 0,
    duplicates: 0,
    skipped: file.skipped,
    errors: [],
    errorCount: 0,
    outcomes: [],
  };
  const allErrors = [...file.errors];
  const orgByDomain = new Map<string, ImportOrganisation>();
  const orgByName = new Map<string, ImportOrganisation>();
  const indexOrg = (o: ImportOrganisation) => {
    if (o.domain && !orgByDomain.has(o.domain)) orgByDomain.set(o.domain, o);
    if (!orgByName.has(nameKey(o.name))) orgByName.set(nameKey(o.name), o);
  };
  organisations.forEach(indexOrg);

  const byEmail = new Map<string, ImportContact>();
  const byLinkedin = new Map<string, ImportContact>();
  const byPerson = new Map<string, ImportContact>();
  const index = (c: ImportContact) => {
    if (c.email && !byEmail.has(c.email.toLowerCase())) byEmail.set(c.email.toLowerCase(), c);
    const key = linkedinKey(c.linkedinUrl);
    if (key && !byLinkedin.has(key)) byLinkedin.set(key, c);
    const person = personKey(c.firstName, c.lastName, c.organisationId);
    if (!byPerson.has(person)) byPerson.set(person, c);
  };
  contacts.forEach(index);
  const created = new Set<ImportContact>();
  const updated = new Set<ImportContact>();

  const organisationFor = (row: ImportRow): string | null => {
    const found =
      (row.organisationDomain && orgByDomain.get(row.organisationDomain)) ||
      (row.organisationName && orgByName.get(nameKey(row.organisationName)));
    if (found) return found.id;
    if (!row.organisationName && !row.organisationDomain) return null;
    const org = {
      id: randomUUID(),
      name: (row.organisationName ?? row.organisationDomain)!,
      domain: row.organisationDomain,
    };
    plan.newOrganisations.push(org);
    indexOrg(org);
    return org.id;
  };

  for (const raw of file.rows) {
    const checked = validRow(raw);
    if (!checked) {
      plan.skipped++;
      continue;
    }
    if ('error' in checked) {
      allErrors.push({ line: raw.line, message: checked.error });
      continue;
    }
    const row = checked.row;
    const organisationId = organisationFor(row);
    const match =
      (row.email && byEmail.get(row.email)) ||
      (row.linkedinUrl && byLinkedin.get(linkedinKey(row.linkedinUrl)!)) ||
      byPerson.get(personKey(row.firstName!, row.lastName, organisationId)) ||
      null;
    let action: ImportAction;
    let contact: ImportContact;
    if (!match) {
      contact = {
        id: randomUUID(),
        firstName: row.firstName!,
        lastName: row.lastName,
        email: row.email,
        phone: row.phone,
        title: row.title,
        linkedinUrl: row.linkedinUrl,
        connectedOn: row.connectedOn,
        organisationId,
        notes: row.notes,
      };
      plan.newContacts.push(contact);
      created.add(contact);
      action = ImportAction.CREATED;
    } else {
      contact = match;
      const incoming = { ...row, organisationId };
      let changed = false;
      for (const field of FILLABLE) {
        if (contact[field] !== null || incoming[field] === null) continue;
        // An email or profile that already belongs to someone else stays theirs.
        if (field === 'email' && byEmail.has(incoming.email!)) continue;
        if (field === 'linkedinUrl' && byLinkedin.has(linkedinKey(incoming.linkedinUrl)!)) continue;
        contact[field] = incoming[field];
        changed = true;
        if (field === 'email' && !created.has(contact)) plan.emailFilled.push(contact.id);
      }
      if (changed && !created.has(contact)) {
        updated.add(contact);
        plan.updatedRows++;
        action = ImportAction.UPDATED;
      } else {
        plan.duplicates++;
        action = ImportAction.DUPLICATE;
      }
    }
    index(contact);
    if (plan.outcomes.length < OUTCOMES_SHOWN) {
      plan.outcomes.push({
        line: row.line,
        action,
        contactId: contact.id,
        fullName: contact.lastName ? `${contact.firstName} ${contact.lastName}` : contact.firstName,
        email: contact.email,
      });
    }
  }
  plan.updatedContacts = [...updated];
  plan.errorCount = allErrors.length;
  plan.errors = allErrors.sort((a, b) => a.line - b.line).slice(0, ERRORS_SHOWN);
  return plan;
}
