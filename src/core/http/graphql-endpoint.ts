import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import { Kind, parse } from 'graphql';
import contentType from 'content-type';
import cors from 'cors';
import getRawBody from 'raw-body';
import { searchWithDocumentId, withDocumentId } from '../graphql/persisted-queries';
import type { RequestLogFields } from '../graphql/request-observer';
import type { Logger } from '../logger';
import { legacyJsonStatus } from './legacy-json-status';
import { requestId, sendHttpError } from './requests';

export interface GraphqlEndpointOptions<C extends object> {
  apollo: ApolloServer<C>;
  context: (req: IncomingMessage, id: string, log: RequestLogFields) => C;
  logger: Logger;
  corsOrigins: string[];
  /** Largest body accepted, after decompression (bytes notation: "100kb"). */
  bodyLimit: string;
  /**
   * Makes this an endpoint for one mutation only (a large body for one operation, not for
   * everything): before the body is read, a request `caller` finds no signed-in user for is
   * refused, and so is one past `maxConcurrent` in this process or a caller's second at once;
   * the body must arrive within `bodyTimeoutMs`, and its document be exactly one mutation
   * selecting only `rootField`.
   */
  only?: {
    rootField: string;
    maxConcurrent: number;
    bodyTimeoutMs: number;
    caller: (req: IncomingMessage) => string | null;
    /**
     * A trusted manifest's document by hash, so an app that ships hashes only can use this
     * endpoint too (its check reads the document before Apollo does).
     */
    trustedDocument?: (hash: string) => string | undefined;
  };
}

export interface GraphqlEndpoint {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Requests being handled now, also those whose client has gone. */
  running(): Set<Promise<void>>;
}

class BodyError extends Error {
  constructor(readonly status: number) {
    super(`request body refused (${status})`);
  }
}

const INFLATE: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * The request's JSON body, parsed as express.json() would: only for a JSON content type (any
 * other body is left for Apollo to refuse), UTF-8 only, inflated when compressed, at most
 * `limit` bytes, and an object or an array at the top (an empty body is `{}`).
 */
async function readJsonBody(req: IncomingMessage, limit: string): Promise<unknown> {
  const type = req.headers['content-type'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!type || !hasBody) return {};
  let parsed: contentType.ParsedMediaType;
  try {
    parsed = contentType.parse(type);
  } catch {
    throw new BodyError(400);
  }
  if (parsed.type !== 'application/json') return {};
  const charset = (parsed.parameters.charset ?? 'utf-8').toLowerCase();
  if (charset !== 'utf-8' && charset !== 'utf8') throw new BodyError(415);

  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: Readable | NodeJS.ReadWriteStream = req;
  if (encoding !== 'identity') {
    const inflate = INFLATE[encoding];
    if (!inflate) throw new BodyError(415);
    stream = req.pipe(inflate());
  }
  let text: string;
  try {
    text = await getRawBody(stream as Readable, {
      limit,
      // The declared length is checked only when the body arrives as sent.
      length: encoding === 'identity' ? req.headers['content-length'] : undefined,
      encoding: 'utf-8',
    });
  } catch (err) {
    const status = (err as { status?: number }).status;
    throw new BodyError(typeof status === 'number' && status >= 400 && status < 500 ? status : 400);
  }
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') throw new BodyError(400);
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400);
  }
}

/** Whether `body` is one GraphQL request whose document is a single mutation of `rootField` alone. */
function isOnly(body: unknown, rootField: string): boolean {
  const query = (body as { query?: unknown } | null)?.query;
  if (typeof query !== 'string' || query.length > 10_000) return false;
  try {
    const document = parse(query, { maxTokens: 500 });
    const [operation, ...rest] = document.definitions;
    if (rest.length || operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'mutation')
      return false;
    const [field, ...others] = operation.selectionSet.selections;
    return !others.length && field.kind === Kind.FIELD && field.name.value === rootField;
  } catch {
    return false;
  }
}

/** A hash-only request for a trusted document, with the document's text filled in. */
function withTrustedText(body: unknown, trustedDocument: (hash: string) => string | undefined): unknown {
  const request = body as { query?: unknown; extensions?: { persistedQuery?: { sha256Hash?: unknown } } } | null;
  const hash = request?.extensions?.persistedQuery?.sha256Hash;
  if (request?.query !== undefined || typeof hash !== 'string') return body;
  const query = trustedDocument(hash);
  if (query === undefined) return body;
  // The hash stays: Apollo checks it against the text (a manifest document is never stored).
  return { ...request, query };
}

/**
 * POST/GET /graphql on node:http, beside (not inside) the Express app: CORS, the request id,
 * the JSON body and one log line per request, then Apollo. It does what the Express route
 * with `cors`, `express.json` and `pino-http` did, without the router, the middleware chain and
 * a child logger per request, which were about a fifth of a small query's CPU.
 */
export function graphqlEndpoint<C extends object>(options: GraphqlEndpointOptions<C>): GraphqlEndpoint {
  const { apollo, logger } = options;
  const allowCors = cors({
    origin: options.corsOrigins,
    methods: ['GET', 'POST'],
    maxAge: 600,
    // A browser client may read the request id, to show it when something goes wrong.
    exposedHeaders: ['x-request-id'],
  });
  const running = new Set<Promise<void>>();
  const only = options.only;
  const callers = new Set<string>();

  const serve = async (req: IncomingMessage, res: ServerResponse, id: string, log: RequestLogFields) => {
    if (!only) return answer(req, res, id, log);
    // Checked before a large body is read; Apollo still authenticates the request itself.
    const caller = req.method === 'POST' ? only.caller(req) : null;
    const refusal =
      req.method !== 'POST'
        ? ([400, `only POST ${only.rootField} is accepted here`] as const)
        : caller === null
          ? ([401, 'You must be signed in'] as const)
          : callers.size >= only.maxConcurrent || callers.has(caller)
            ? ([429, 'Too many large requests at once; try again shortly'] as const)
            : null;
    if (refusal || caller === null) {
      res.shouldKeepAlive = false;
      if (refusal?.[0] === 429) res.setHeader('retry-after', '5');
      sendHttpError(res, refusal?.[0] ?? 401, refusal?.[1]);
      return;
    }
    callers.add(caller);
    // A body trickled in to hold a slot is cut off.
    const deadline = setTimeout(() => req.destroy(), only.bodyTimeoutMs);
    try {
      await answer(req, res, id, log, () => clearTimeout(deadline));
    } finally {
      clearTimeout(deadline);
      callers.delete(caller);
    }
  };

  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    log: RequestLogFields,
    bodyRead?: () => void,
  ) => {
    let body: unknown;
    try {
      body = await readJsonBody(req, options.bodyLimit);
      bodyRead?.();
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      // Whatever is left of a refused body is not read: the connection closes after the answer.
      res.shouldKeepAlive = false;
      sendHttpError(res, err.status);
      return;
    }
    body = withDocumentId(body);
    if (only?.trustedDocument) body = withTrustedText(body, only.trustedDocument);
    if (only && !isOnly(body, only.rootField)) {
      sendHttpError(res, 400, `only a mutation of ${only.rootField} alone is accepted here`);
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const request: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      // A document named by `documentId` is looked up as an APQ hash.
      search: query < 0 ? '' : searchWithDocumentId(url.slice(query)),
      body,
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: async () => options.context(req, id, log),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // Only answers Apollo sends with a 4xx are read again (see legacy-json-status.ts).
      if (res.statusCode >= 400) {
        const type = response.headers.get('content-type') ?? '';
        res.statusCode = legacyJsonStatus(req.headers.accept, res.statusCode, type, response.body.string);
      }
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = Date.now();
    const id = requestId(req, res);
    const log: RequestLogFields = {};
    // One line per request at info; below that level nothing is listened for (a 5xx is still
    // logged where it happens: unexpected GraphQL errors by the Apollo plugin, others below).
    if (logger.isLevelEnabled('info')) {
      res.once('close', () => {
        // The operation's name and the user's id; never variables, documents or tokens.
        const line = {
          req: { id, method: req.method, url: req.url },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - started,
          ...(log.operation !== undefined && { operation: log.operation }),
          ...(log.userId !== undefined && { userId: log.userId }),
        };
        if (res.statusCode >= 500) logger.error(line, 'request errored');
        else if (!res.writableFinished) logger.info(line, 'request aborted');
        else logger.info(line, 'request completed');
      });
    }
    // With a fixed list of origins `cors` answers a preflight itself and otherwise only sets
    // headers; it never passes an error on.
    allowCors(req, res, () => {
      const handling = serve(req, res, id, log).catch((err: unknown) => {
        logger.error({ err, req: { id, method: req.method, url: req.url } }, 'unhandled HTTP error');
        if (!res.headersSent) sendHttpError(res, 500);
        else res.destroy();
      });
      // Tracked until the handler ends, not until the socket closes: a client that goes away
      // leaves its request running, and the pool must not be ended under it.
      running.add(handling);
      void handling.finally(() => running.delete(handling));
    });
  };

  return { handle, running: () => running };
}
