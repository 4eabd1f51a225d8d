import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Context as SocketContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config';
import { ErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics/metrics';
import { costLimitError, operationArmor, operationCost } from '../graphql/server';

/** Close codes of a live-updates socket besides graphql-ws's own (docs/clients.md, Live updates). */
/** Why a live-updates request is refused (docs/errors.md). */
export enum LiveErrorReason {
  SUBSCRIPTIONS_ONLY = 'SUBSCRIPTIONS_ONLY',
  TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS',
}

export const LIVE_CLOSE = {
  /** No valid access token at connection: missing, malformed, expired, revoked or signed out. */
  UNAUTHORIZED: 4401,
  /** Access ended while connected: suspended, deleted, role changed, or this session signed out. */
  FORBIDDEN: 4403,
  /** The access token expired: connect again with a fresh one. */
  TOKEN_EXPIRED: 4419,
  /** Too many open connections for this user on this API process. */
  TOO_MANY_CONNECTIONS: 4429,
  /** The server is shutting down: connect again (to another replica). */
  GOING_AWAY: 1001,
} as const;

/** Who a connection acts for, as its access token said when it connected. */
export interface LiveAccess<U> {
  user: U & { id: string };
  token: string;
  expiresAtMs: number;
}

export interface LiveServerOptions<U, C> {
  schema: GraphQLSchema;
  /** Only this path upgrades (the GraphQL path, `/graphql`). */
  path: string;
  graphql: Config['graphql'];
  limits: Config['live'];
  /** The access a token gives; null when missing, bad, expired, revoked or its session ended. */
  authenticate(token: string): Promise<LiveAccess<U> | null>;
  /** For each access, whether it still holds (checked every `pollMs`: revocations, signed-out sessions). */
  stillValid(accesses: LiveAccess<U>[]): Promise<boolean[]>;
  pollMs: number;
  /** A context of its own for every event (fresh loaders), and one for subscribing. */
  context(access: LiveAccess<U>, request: IncomingMessage): C;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  metrics: Metrics;
  logger: Logger;
}

interface Connection<U> {
  access: LiveAccess<U>;
  socket: WebSocket;
  expiry: NodeJS.Timeout;
}

type Extra = { socket: WebSocket; request: IncomingMessage; live?: Connection<unknown> };

/**
 * Subscriptions over graphql-ws on the API's port and GraphQL path: authenticated when the
 * connection opens (the access token in `connectionParams.authorization`), closed when the token
 * expires or access is revoked, each user's events only, bounded per connection and per user.
 * Queries and mutations stay on HTTP, where every other limit applies.
 */
export function attachLiveServer<U, C extends object>(server: Server, options: LiveServerOptions<U, C>) {
  const { schema, limits, logger } = options;
  const armor = operationArmor(options.graphql);
  const rules = [...specifiedRules, ...armor.validationRules];
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const connections = new Set<Connection<U>>();
  const perUser = new Map<string, number>();
  let subscriptions = 0;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = request.url ?? '/';
    const path = (url.includes('?') ? url.slice(0, url.indexOf('?')) : url).toLowerCase().replace(/\/$/, '');
    if (path !== options.path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  const drop = (conn: Connection<U>) => {
    if (!connections.delete(conn)) return;
    clearTimeout(conn.expiry);
    const id = conn.access.user.id;
    const left = (perUser.get(id) ?? 1) - 1;
    if (left > 0) perUser.set(id, left);
    else perUser.delete(id);
  };
  const liveOf = (ctx: SocketContext<Record<string, unknown>, Extra>) => ctx.extra.live as Connection<U> | undefined;
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => options.formatError(e.toJSON(), e));

  const ws = useServer<Record<string, unknown>, Extra>(
    {
      isProd: true,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
        const access = token ? await options.authenticate(token) : null;
        if (!access) {
          socket.close(LIVE_CLOSE.UNAUTHORIZED, 'Unauthorized');
          return false;
        }
        const id = access.user.id;
        if ((perUser.get(id) ?? 0) >= limits.maxConnectionsPerUser) {
          socket.close(
            LIVE_CLOSE.TOO_MANY_CONNECTIONS,
            `Too many connections (at most ${limits.maxConnectionsPerUser})`,
          );
          return false;
        }
        // The token's expiry ends the connection; a client connects again with a fresh one.
        const expiry = setTimeout(
          () => socket.close(LIVE_CLOSE.TOKEN_EXPIRED, 'Token expired'),
          Math.max(0, access.expiresAtMs - Date.now()),
        ).unref();
        const conn: Connection<U> = { access, socket, expiry };
        connections.add(conn);
        perUser.set(id, (perUser.get(id) ?? 0) + 1);
        ctx.extra.live = conn;
        // The socket closed while the token was being checked.
        if (socket.readyState !== socket.OPEN) {
          drop(conn);
          return false;
        }
        return true;
      },
      onClose: (ctx) => {
        const conn = liveOf(ctx);
        if (conn) drop(conn);
      },
      onSubscribe: (ctx, _id, payload) => {
        const conn = liveOf(ctx);
        if (!conn) return [new GraphQLError('Unauthorized', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        // This subscription is already counted among the connection's.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} subscriptions per connection`, {
              extensions: { code: ErrorCode.RATE_LIMITED, reason: LiveErrorReason.TOO_MANY_SUBSCRIPTIONS },
            }),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.graphql.maxTokens });
        } catch (err) {
          return [requestError(err instanceof Error ? err.message : 'Syntax error', 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map((e) => requestError(e.message, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [requestError('Unable to identify the operation', 'BAD_REQUEST')];
        if (operation.operation !== 'subscription') {
          return [
            requestError(
              'Only subscriptions are served here; send queries and mutations over HTTP',
              'BAD_REQUEST',
              LiveErrorReason.SUBSCRIPTIONS_ONLY,
            ),
          ];
        }
        const variables = payload.variables ?? {};
        const cost = operationCost(schema, document, operation, variables);
        if (cost > options.graphql.maxCost) return [costLimitError(cost, options.graphql.maxCost)];
        const newContext = () => options.context(conn.access, ctx.extra.request);
        const contextValue = newContext();
        eventContexts.set(contextValue, newContext);
        return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue };
      },
      // As graphql-js's subscribe, except that every event runs with a context of its own: loaders
      // cache per event, never across events (a meeting read for one event is stale by the next).
      subscribe: async (args) => {
        const stream = await createSourceEventStream(args);
        if (!isAsyncIterator(stream)) return stream as ExecutionResult;
        const newContext = eventContexts.get(args.contextValue as C);
        return counted(stream[Symbol.asyncIterator](), (payload) =>
          execute({ ...args, rootValue: payload, contextValue: newContext ? newContext() : args.contextValue }),
        );
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors as GraphQLError[]) } : undefined,
    },
    wss,
  );

  // graphql-ws logs a socket's errors to the console with their stacks; the only ones ws emits are
  // a client's bad frames (too large: 1009, malformed: 1002), which ws answers by closing the
  // socket with that code itself. A line in the log at debug is enough.
  wss.on('connection', (socket: WebSocket) => {
    socket.removeAllListeners('error');
    socket.on('error', (err) => logger.debug({ err }, 'live updates: bad frame from a client'));
  });

  /**
   * The results of a source stream's events, counted among the open subscriptions (the gauge)
   * while it lasts. `return` reaches the source at once, even while waiting for an event (an async
   * generator function would wait for the next event first, and keep the Redis channel until then).
   */
  const counted = (
    stream: AsyncIterator<unknown>,
    run: (payload: unknown) => ExecutionResult | Promise<ExecutionResult>,
  ): AsyncIterableIterator<ExecutionResult> => {
    subscriptions++;
    let open = true;
    const done = () => {
      if (open) subscriptions--;
      open = false;
    };
    const it: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        const r = await stream.next();
        if (r.done) {
          done();
          return { value: undefined, done: true };
        }
        return { value: await run(r.value), done: false };
      },
      return: async () => {
        done();
        await stream.return?.();
        return { value: undefined, done: true };
      },
      throw: async (err?: unknown) => {
        done();
        await stream.return?.();
        throw err;
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  };

  options.metrics.collected(
    'rapport_live_subscriptions',
    'Subscriptions open on this API process (live updates over WebSocket).',
    [],
    async () => [{ value: subscriptions }],
    0,
  );
  options.metrics.collected(
    'rapport_live_connections',
    'WebSocket connections signed in on this API process (live updates).',
    [],
    async () => [{ value: connections.size }],
    0,
  );

  // Revocations (suspension, deletion, a role change) and signed-out sessions, within a poll.
  let checking: Promise<void> | null = null;
  const check = async () => {
    const open = [...connections];
    if (!open.length) return;
    const valid = await options.stillValid(open.map((c) => c.access));
    open.forEach((conn, i) => {
      // An expired token is no longer valid either; its own code says why.
      const expired = Date.now() >= conn.access.expiresAtMs;
      if (valid[i] && !expired) return;
      drop(conn);
      if (expired) conn.socket.close(LIVE_CLOSE.TOKEN_EXPIRED, 'Token expired');
      else conn.socket.close(LIVE_CLOSE.FORBIDDEN, 'Forbidden');
    });
  };
  const poll = setInterval(() => {
    checking ??= check()
      .catch((err: unknown) => logger.warn({ err }, 'live updates: could not re-check access'))
      .finally(() => (checking = null));
  }, options.pollMs).unref();

  let closing: Promise<void> | null = null;
  return {
    /** Connections signed in now. */
    connections: () => connections.size,
    /** Subscriptions open now. */
    subscriptions: () => subscriptions,
    /** Closes every socket (1001, going away: clients reconnect elsewhere) and stops upgrading. */
    close: () =>
      (closing ??= (async () => {
        clearInterval(poll);
        server.off('upgrade', onUpgrade);
        await checking;
        for (const conn of [...connections]) drop(conn);
        await ws.dispose();
      })()),
  };
}

// How to make a fresh context for each event of a subscription, by its subscribing context.
const eventContexts = new WeakMap<object, () => object>();

function requestError(message: string, code: string, reason?: string): GraphQLError {
  return new GraphQLError(message, { extensions: reason ? { code, reason } : { code } });
}

function isAsyncIterator<T>(value: unknown): value is AsyncIterable<T> {
  return typeof Object(value)[Symbol.asyncIterator] === 'function';
}
