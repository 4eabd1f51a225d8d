import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { formatError } from '../core/graphql/format-error';
import { NodeBudget } from '../core/graphql/node-budget';
import { RequestPrefetch } from '../core/graphql/prefetch';
import type { Infrastructure } from '../core/infrastructure';
import { attachLiveServer, type LiveAccess } from '../core/live/live-server';
import type { AuthUser } from '../modules/auth/access-tokens';
import type { Context } from './context';
import { createLoaders, PREFETCH } from './loaders';
import type { Services } from './services';

/**
 * Subscriptions (graphql-ws) on the API's HTTP server, at /graphql: a connection acts for the
 * user of the access token in its `connectionParams`, for as long as that token and its session
 * hold (docs/clients.md, Live updates).
 */
export function startLiveUpdates(
  server: Server,
  schema: GraphQLSchema,
  { config, ds, logger, metrics }: Infrastructure,
  services: Services,
  clientIp: (req: IncomingMessage) => string,
) {
  const { accessTokens, sessions } = services;
  const liveLogger = logger.child({ module: 'live' });
  const signedIn = async (sessionIds: (string | null | undefined)[]) =>
    sessions.stillSignedIn(sessionIds.filter((id): id is string => !!id));
  return attachLiveServer<AuthUser, Context>(server, {
    schema,
    path: '/graphql',
    graphql: config.graphql,
    limits: config.live,
    pollMs: config.auth.revocationPollMs,
    // Access tokens are checked without a database read; sockets outlive requests, so the
    // session behind the token is checked too (a signed-out device stops listening).
    authenticate: async (token) => {
      const verified = accessTokens.verifyUntil(token);
      if (!verified) return null;
      const sessionId = verified.user.sessionId;
      if (sessionId && !(await signedIn([sessionId])).has(sessionId)) return null;
      return { user: verified.user, token, expiresAtMs: verified.expiresAtMs };
    },
    stillValid: async (accesses: LiveAccess<AuthUser>[]) => {
      const live = await signedIn(accesses.map((a) => a.user.sessionId));
      return accesses.map(
        (a) => accessTokens.verify(a.token) !== null && (!a.user.sessionId || live.has(a.user.sessionId)),
      );
    },
    context: (access, request) => {
      const requestId = randomUUID();
      let child: Context['logger'] | undefined;
      let prefetch: RequestPrefetch | undefined;
      const budget = new NodeBudget(config.graphql.maxNodes);
      const loaders = createLoaders(ds, access.user.id, budget);
      return {
        user: access.user,
        authFailure: null,
        services,
        loaders,
        get prefetch() {
          return (prefetch ??= new RequestPrefetch(PREFETCH, ds, access.user.id, loaders, budget));
        },
        meta: { ip: clientIp(request), userAgent: request.headers['user-agent'] ?? null },
        requestId,
        requestLog: {},
        get logger() {
          return (child ??= liveLogger.child({ req: { id: requestId }, userId: access.user.id }));
        },
      };
    },
    formatError,
    metrics,
    logger: liveLogger,
  });
}
