const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** `https://www.Acme.com/jobs` → `acme.com`. */
export function domainOf(value: string): string {
  const trimmed = value.trim();
  const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? new URL(trimmed).hostname : trimmed.split('/')[0];
  return host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^www\./, '');
}

export function isDomain(value: string): boolean {
  try {
    return DOMAIN.test(domainOf(value));
  } catch {
    return false;
  }
}
