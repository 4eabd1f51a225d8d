import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../../modules/auth/access-tokens';
import type { RequestMeta } from '../../modules/auth/auth.service';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { createLoaders, type Loaders } from './loaders';

/** Per-request GraphQL context. `user` comes only from a verified access token. */
export interface Context {
  user: AuthUser | null;
  services: Services;
  /** Per-request batching loaders, scoped to `user`. */
  loaders: Loaders;
  meta: RequestMeta;
  requestId: string;
  logger: Logger;
}

export function buildContext(req: Request, services: Services, ds: DataSource): Context {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  const user = match ? services.accessTokens.verify(match[1]) : null;
  return {
    user,
    services,
    loaders: createLoaders(ds, user?.id ?? null),
    meta: { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: req.headers['user-agent'] ?? null },
    requestId: String(req.id),
    logger: req.log,
  };
}
