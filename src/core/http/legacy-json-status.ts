/**
 * GraphQL-over-HTTP: a client that asks for `application/json` (the legacy media type) gets 200
 * for every well-formed request, its GraphQL request errors (parse, validation, variables) in
 * `errors`; one that asks for `application/graphql-response+json` (or either, as `*\/*` does)
 * keeps Apollo's 4xx. Apollo Server 5 answers 4xx whatever the client accepts.
 */

// Errors about the GraphQL request itself; a malformed HTTP request (BAD_REQUEST) keeps its 4xx.
const GRAPHQL_REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'FORBIDDEN',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** The q-value `accept` gives `type/subtype`, from its most specific matching range (RFC 9110). */
function quality(accept: string, type: string, subtype: string): number {
  let best = -1;
  let q = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [t, s] = range.split('/');
    const specificity = t === type && s === subtype ? 2 : t === type && s === '*' ? 1 : t === '*' && s === '*' ? 0 : -1;
    if (specificity <= best) continue;
    const given = params.find((p) => p.startsWith('q='));
    const value = given ? Number(given.slice(2)) : 1;
    best = specificity;
    q = Number.isFinite(value) ? value : 0;
  }
  return q;
}

/** Whether the client prefers `application/json` to `application/graphql-response+json`. */
export function prefersLegacyJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = quality(accept, 'application', 'json');
  return json > 0 && json > quality(accept, 'application', 'graphql-response+json');
}

/** The status to send instead of Apollo's `status` for a legacy client; `status` if unchanged. */
export function legacyJsonStatus(
  accept: string | undefined,
  status: number,
  contentType: string,
  body: string,
): number {
  if (status < 400 || status >= 500 || !contentType.startsWith('application/json') || !prefersLegacyJson(accept)) {
    return status;
  }
  let errors: unknown;
  try {
    errors = (JSON.parse(body) as { errors?: unknown }).errors;
  } catch {
    return status;
  }
  const requestErrorsOnly =
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => GRAPHQL_REQUEST_ERRORS.has((e as { extensions?: { code?: string } })?.extensions?.code ?? ''));
  return requestErrorsOnly ? 200 : status;
}
