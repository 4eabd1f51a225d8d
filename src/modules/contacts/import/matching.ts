import { domainOf, isDomain } from '../../organisations/organisation-domain';

const LINKEDIN_PROFILE = /^(?:https?:\/\/)?(?:[a-z0-9-]+\.)*linkedin\.com(\/(?:in|pub)\/[^/?#\s]+)/i;

/**
 * A LinkedIn profile URL reduced to what identifies it: scheme, host (www., country
 * subdomains), query, fragment, trailing slash and case do not matter. Null if not a profile URL.
 * The same rule in SQL is LINKEDIN_KEY_SQL.
 */
export function linkedinKey(url: string | null | undefined): string | null {
  const match = url ? LINKEDIN_PROFILE.exec(url.trim()) : null;
  return match ? match[1].toLowerCase() : null;
}

/** linkedinKey() on column `column`, in SQL (for duplicateContacts). */
export const linkedinKeySql = (column: string) =>
  `lower((regexp_match(${column}, '^(?:https?://)?(?:[a-z0-9-]+\\.)*linkedin\\.com(/(?:in|pub)/[^/?#[:space:]]+)', 'i'))[1])`;

/** An organisation or person name compared without case or spaces: "Acme  Corp" = "acmecorp". */
export const nameKey = (name: string | null | undefined) => (name ?? '').toLowerCase().replace(/\s+/g, '');

/**
 * A person's name + organisation, the weakest of the three matches. A name with no organisation
 * matches the same name with none (nothing else could tell two of them apart), so re-importing a
 * card that has only a name creates nothing.
 */
export const personKey = (first: string, last: string | null, organisationId: string | null) =>
  `${nameKey(first)}|${nameKey(last)}|${organisationId ?? ''}`;

/** The organisation's domain from a website or domain value, when it is one. */
export const domainKey = (value: string | null | undefined): string | null => {
  if (!value || !isDomain(value)) return null;
  return domainOf(value);
};
