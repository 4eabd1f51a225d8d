import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';

const CLIENT_REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * The request's id for logs: the client's `x-request-id` when it is a plain token of at most
 * 64 characters, otherwise a new UUID. Echoed in the response's `x-request-id`.
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && CLIENT_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/** A refused or failed HTTP request as a GraphQL-shaped JSON error, never with details. */
export function sendHttpError(res: ServerResponse, status: number, detail?: string): void {
  const message =
    detail ?? (status === 413 ? 'request body too large' : status === 500 ? 'internal server error' : 'bad request');
  const code =
    status === 500
      ? 'INTERNAL_SERVER_ERROR'
      : status === 401
        ? 'UNAUTHENTICATED'
        : status === 429
          ? 'RATE_LIMITED'
          : 'BAD_REQUEST';
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * The client's address by Express's `trust proxy` rules (`TRUST_PROXY`: true, a hop count, or
 * a comma-separated list of addresses/subnets such as "loopback, 10.0.0.0/8"), for routes
 * served outside Express.
 */
export function clientIpResolver(trust: boolean | number | string): (req: IncomingMessage) => string {
  const trusted: (address: string, hop: number) => boolean =
    trust === true
      ? () => true
      : typeof trust === 'number'
        ? (_address, hop) => hop < trust
        : proxyaddr.compile(trust ? trust.split(',').map((v) => v.trim()) : []);
  return (req) => proxyaddr(req, trusted) ?? req.socket.remoteAddress ?? 'unknown';
}
