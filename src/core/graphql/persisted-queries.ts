import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { TrustedDocuments } from './trusted-documents';

/** The code a strict server answers a document that is not registered with (docs/errors.md). */
export const PERSISTED_QUERY_NOT_ALLOWED = 'PERSISTED_QUERY_NOT_ALLOWED';

// Apollo prefixes every key it gives the persisted-query cache with this.
const APOLLO_PREFIX = 'apq:';

/** How automatic persisted queries are kept (APQ_* settings). */
export interface ApqOptions {
  /** Key prefix in Redis, before Apollo's own `apq:`. */
  prefix: string;
  ttlSeconds: number;
  /** Larger documents are answered but never stored. */
  maxDocumentBytes: number;
}

/**
 * Apollo's persisted-query cache (its KeyValueCache shape) for every replica at once: a hash
 * from a trusted manifest is answered from memory, any other from Redis, where a registered
 * document lives `ttlSeconds` under `<prefix>apq:<sha256>`. `redis` null: manifests only, and
 * nothing is stored (APQ off).
 *
 * Redis runs with `noeviction` for BullMQ, so every entry carries a TTL (Apollo's `ttl: null`,
 * never expiring, is not honoured) and its size is capped: the cache cannot fill Redis.
 */
export class PersistedDocumentCache {
  constructor(
    private readonly trusted: TrustedDocuments,
    private readonly redis: Redis | null,
    private readonly options: ApqOptions,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const hash = key.startsWith(APOLLO_PREFIX) ? key.slice(APOLLO_PREFIX.length) : key;
    const trusted = this.trusted.get(hash);
    if (trusted !== undefined || !this.redis) return trusted;
    // A Redis that cannot answer is a miss: the client sends the document again.
    const stored = await this.redis.get(this.options.prefix + key).catch(() => null);
    return stored ?? undefined;
  }

  async set(key: string, value: string): Promise<void> {
    const hash = key.startsWith(APOLLO_PREFIX) ? key.slice(APOLLO_PREFIX.length) : key;
    if (!this.redis || this.trusted.has(hash)) return;
    if (Buffer.byteLength(value, 'utf8') > this.options.maxDocumentBytes) return;
    await this.redis.set(this.options.prefix + key, value, 'EX', this.options.ttlSeconds);
  }

  async delete(key: string): Promise<boolean> {
    if (!this.redis) return false;
    return (await this.redis.del(this.options.prefix + key)) > 0;
  }
}

/** What the persisted-document plugin reads from a request. */
export interface PersistedDocumentRules<C> {
  trusted: TrustedDocuments;
  /** Only trusted documents from callers `mayBypass` refuses (TRUSTED_DOCUMENTS_ONLY). */
  strict: boolean;
  /** Callers who may send any document in strict mode (administrators, for the Playground). */
  mayBypass: (context: C) => boolean;
  /** The caller's address, counted for APQ registrations. */
  ipOf: (context: C) => string;
  /** New APQ documents one address may store per hour, on every replica together; null: no APQ. */
  registrations: { redis: Redis; prefix: string; perIpPerHour: number } | null;
}

/**
 * Runs once the document is known (before execution, and before Apollo stores an APQ
 * registration, which it does only after every didResolveOperation hook has passed):
 * - strict: a document whose sha256 is in no manifest is refused unless `mayBypass` — whether it
 *   came as text, as an APQ registration or as a hash stored by someone else. APQ is therefore
 *   no way around the list: a refused registration is never stored.
 * - APQ registrations past an address's hourly allowance, or holding a string literal, are
 *   answered but not stored.
 */
export function persistedDocumentsPlugin<C extends object>(rules: PersistedDocumentRules<C>): ApolloServerPlugin<C> {
  const { trusted, strict, mayBypass, ipOf } = rules;
  const limiter =
    rules.registrations &&
    new RateLimiterRedis({
      storeClient: rules.registrations.redis,
      keyPrefix: `${rules.registrations.prefix}:apq-register:ip`,
      points: rules.registrations.perIpPerHour,
      duration: 3600,
    });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          const registering = ctx.metrics.persistedQueryRegister;
          if (strict && !trusted.has(ctx.queryHash) && !mayBypass(ctx.contextValue)) {
            throw new GraphQLError(
              'This server accepts only the documents registered in its clients’ manifests: send the hash of a document your app was built with.',
              { extensions: { code: PERSISTED_QUERY_NOT_ALLOWED, http: { status: 400 } } },
            );
          }
          if (!registering || trusted.has(ctx.queryHash) || !limiter) return;
          // Values typed into a document (an inline password, an address) never go to Redis,
          // whose files outlive the request: such a document runs, and keeps travelling as text.
          if (hasStringLiteral(ctx.document)) {
            ctx.metrics.persistedQueryRegister = false;
            return;
          }
          try {
            await limiter.consume(ipOf(ctx.contextValue));
          } catch {
            // Over the allowance (or Redis failing): run the document, do not store it. Apollo
            // reads this flag after the hooks to decide whether to store.
            ctx.metrics.persistedQueryRegister = false;
          }
        },
      };
    },
  };
}

function hasStringLiteral(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue() {
      found = true;
      return BREAK;
    },
  });
  return found;
}

const asPersistedQuery = (documentId: string) => ({
  version: 1,
  sha256Hash: documentId.startsWith('sha256:') ? documentId.slice('sha256:'.length) : documentId,
});

/**
 * A request that names its document by `documentId` (the GraphQL-over-HTTP persisted documents
 * proposal: `"sha256:<hex>"`, or the bare hex) becomes the APQ form Apollo understands.
 * Anything else is returned as it is.
 */
export function withDocumentId(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { documentId, ...rest } = body as { documentId?: unknown; extensions?: unknown };
  if (typeof documentId !== 'string') return body;
  const extensions = typeof rest.extensions === 'object' && rest.extensions !== null ? rest.extensions : {};
  return { ...rest, extensions: { ...extensions, persistedQuery: asPersistedQuery(documentId) } };
}

/** withDocumentId for a GET request's query string (`?documentId=sha256:…&variables=…`). */
export function searchWithDocumentId(search: string): string {
  if (!search.includes('documentId=')) return search;
  const params = new URLSearchParams(search);
  const documentId = params.get('documentId');
  if (documentId === null) return search;
  params.delete('documentId');
  let extensions: Record<string, unknown> = {};
  try {
    const given: unknown = JSON.parse(params.get('extensions') ?? '{}');
    if (typeof given === 'object' && given !== null && !Array.isArray(given)) extensions = given as typeof extensions;
  } catch {
    return search; // Apollo answers the malformed extensions itself
  }
  params.set('extensions', JSON.stringify({ ...extensions, persistedQuery: asPersistedQuery(documentId) }));
  return `?${params.toString()}`;
}
