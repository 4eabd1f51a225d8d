import type { IncomingMessage } from 'node:http';
import type { RequestLogFields } from '../core/graphql/request-observer';
import type { DataSource } from 'typeorm';
import { NodeBudget } from '../core/graphql/node-budget';
import { RequestPrefetch } from '../core/graphql/prefetch';
import type { Logger } from '../core/logger';
import { AccessTokenErrorReason, type AuthUser } from '../modules/auth/access-tokens';
import type { RequestMeta } from '../modules/auth/auth.service';
import { createLoaders, PREFETCH, type Loaders } from './loaders';
import type { Services } from './services';

/** Per-request GraphQL context. `user` comes only from a verified access token. */
export interface Context {
  user: AuthUser | null;
  /** Why there is no user although credentials were sent (`extensions.reason` of UNAUTHENTICATED). */
  authFailure: AccessTokenErrorReason | null;
  services: Services;
  /** Per-request batching loaders, scoped to `user`. */
  loaders: Loaders;
  /** Reads an object with the first pages selected under it in one statement (made on first use). */
  prefetch: RequestPrefetch;
  meta: RequestMeta;
  requestId: string;
  logger: Logger;
  /** The operation and the user, for the request's log line (request-observer.ts). */
  requestLog: RequestLogFields;
}

export interface RequestInfo {
  id: string;
  ip: string;
  /** The process's logger: the context's own, bound to the request, is made on first use. */
  logger: Logger;
  /** Objects the request may read through its loaders (GRAPHQL_MAX_NODES). */
  maxNodes: number;
  /** Filled in as the request runs, written on its log line. */
  log?: RequestLogFields;
}

export function buildContext(req: IncomingMessage, info: RequestInfo, services: Services, ds: DataSource): Context {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  // A header that is not a Bearer token is a credential we cannot use, not a missing one.
  const checked = match ? services.accessTokens.check(match[1]) : header ? AccessTokenErrorReason.INVALID : null;
  const user = typeof checked === 'string' ? null : checked;
  let logger: Logger | undefined;
  let prefetch: RequestPrefetch | undefined;
  const budget = new NodeBudget(info.maxNodes);
  const loaders = createLoaders(ds, user?.id ?? null, budget);
  return {
    user,
    authFailure: typeof checked === 'string' ? checked : null,
    services,
    loaders,
    get prefetch() {
      return (prefetch ??= new RequestPrefetch(PREFETCH, ds, user?.id ?? null, loaders, budget));
    },
    meta: { ip: info.ip, userAgent: req.headers['user-agent'] ?? null },
    requestId: info.id,
    requestLog: info.log ?? {},
    get logger() {
      return (logger ??= info.logger.child({ req: { id: info.id, method: req.method, url: req.url } }));
    },
  };
}
