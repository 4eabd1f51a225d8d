import { createServer, type IncomingMessage, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { GraphQLSchema } from 'graphql';
import { createApolloServer } from '../core/graphql/server';
import { PersistedDocumentCache, persistedDocumentsPlugin } from '../core/graphql/persisted-queries';
import { loadTrustedDocuments } from '../core/graphql/trusted-documents';
import { graphqlEndpoint } from '../core/http/graphql-endpoint';
import { healthRouter, readinessCheck, workersSeen } from '../core/http/health';
import type { RequestLogFields } from '../core/graphql/request-observer';
import { serveMetrics, startMetricsListener } from '../core/metrics/metrics-http';
import { routeLabel } from '../core/metrics/metrics';
import { registerPipelineGauges } from './pipeline-metrics';
import { playgroundRouter } from '../core/http/playground';
import { clientIpResolver, requestId, sendHttpError } from '../core/http/requests';
import type { Infrastructure } from '../core/infrastructure';
import { resetPasswordRouter } from '../modules/auth/reset-password.routes';
import { verifyEmailRouter } from '../modules/auth/verify-email.routes';
import { unsubscribeRouter } from '../modules/emails/unsubscribe.routes';
import { calendarFeedRouter, exportRouter } from '../modules/exports/export.routes';
import { Role } from '../modules/users/user.entity';
import { buildContext, type Context } from './context';
import { startLiveUpdates } from './live-updates';
import { createSchema } from './schema';
import { createServices, type Services } from './services';

export interface HttpApp {
  app: Express;
  services: Services;
  /** Listens on the configured (or given) port; resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Stops accepting requests, closes live-updates sockets, lets in-flight requests finish — also
   * those whose client has already gone — then stops Apollo.
   */
  close(): Promise<void>;
  /** GraphQL requests being handled now. */
  inFlight(): number;
  /** Live-updates connections signed in now. */
  liveConnections(): number;
  /** The port of the metrics listener of its own (METRICS_PORT), once listening; null when off. */
  metricsPort(): number | null;
}

/** The API's HTTP surface: health, Playground and GraphQL. Connections are owned by the caller. */
export async function createHttpApp(infra: Infrastructure): Promise<HttpApp> {
  const { config, ds, redis, logger, metrics } = infra;
  const services = createServices(infra);
  const schema = await createSchema(services.live.pubSub);
  const isAdmin = (context: Context) => context.user?.role === Role.ADMIN;
  // Before anything starts: a bad manifest stops the process with a message naming it.
  const persisted = persistedDocuments(config, schema, redis, isAdmin);
  registerPipelineGauges(metrics, ds, [services.emailQueue]);
  // Revoked tokens (suspended or re-roled accounts) are refused within one poll on every replica.
  await services.accessRevocations.start();
  const apollo = createApolloServer<Context>(schema, config.graphql, {
    // Introspection for administrators even when it is off for everyone (the Playground).
    mayIntrospect: isAdmin,
    metrics,
    persisted,
  });
  await apollo.start();

  const clientIp = clientIpResolver(config.http.trustProxy);
  const endpoint = {
    apollo,
    context: (req: IncomingMessage, id: string, log: RequestLogFields) =>
      buildContext(req, { id, ip: clientIp(req), logger, maxNodes: config.graphql.maxNodes, log }, services, ds),
    logger,
    corsOrigins: config.http.corsOrigins,
  };
  const graphql = graphqlEndpoint({ ...endpoint, bodyLimit: config.http.bodyLimit });
  // The one exception to the small body limit: a contacts file, sent to its own URL, for that
  // mutation alone, signed in, a few at a time (docs/import.md).
  const graphqlImport = graphqlEndpoint({
    ...endpoint,
    bodyLimit: config.http.importBodyLimit,
    only: {
      rootField: 'importContacts',
      maxConcurrent: config.http.importMaxConcurrent,
      bodyTimeoutMs: 60_000,
      trustedDocument: persisted && ((hash) => persisted.trusted.get(hash)),
      caller: (req) => {
        const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        return (token && services.accessTokens.verify(token)?.id) || null;
      },
    },
  });

  // Everything but /graphql: health, Playground, unsubscribe pages, export downloads, calendar feeds.
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.http.trustProxy);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => requestId(req, res),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // Only method, URL and status: no headers, no bodies.
      serializers: {
        // Account tokens travel in query strings (/verify-email?token=…): never into the logs.
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.replace(/([?&]token=)[^&]*/g, '$1[redacted]'),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  const readiness = readinessCheck(ds, redis, logger, {
    // The worker's view, for the operator: the API serves without a worker, so it is not gating.
    info: { workers: () => workersSeen(services.emailQueue) },
  });
  app.use(healthRouter(readiness));
  if (config.http.playground) app.use('/playground', playgroundRouter({ endpoint: '/graphql' }));

  app.use(
    '/unsubscribe',
    express.urlencoded({ extended: false, limit: '2kb' }),
    unsubscribeRouter({
      suppressions: services.suppressions,
      secrets: [config.email.unsubscribeSecret, ...config.email.unsubscribePreviousSecrets],
    }),
  );

  const exportRoutes = {
    ds,
    exports: services.dataExports,
    feedSecrets: [config.calendarFeed.secret, ...config.calendarFeed.previousSecrets],
  };
  app.use('/export', exportRouter(exportRoutes));
  app.use('/calendar', calendarFeedRouter(exportRoutes));
  app.use('/verify-email', verifyEmailRouter(services.emailVerification));
  app.use(
    '/reset-password',
    express.urlencoded({ extended: false, limit: '2kb' }),
    resetPasswordRouter(services.passwordReset),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) req.log?.error({ err }, 'unhandled HTTP error');
    sendHttpError(res, status);
  };
  app.use(onError);

  // GraphQL, the hot path, is answered on node:http directly; the rest goes to Express.
  const metricsToken = config.metrics.token;
  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const end = url.indexOf('?');
    // Case-insensitive, with or without a trailing slash, as Express routed it.
    const path = (end < 0 ? url : url.slice(0, end)).toLowerCase();
    res.once('finish', () =>
      metrics.httpDuration.observe(
        { route: routeLabel(path), method: methodLabel(req.method), status: `${Math.floor(res.statusCode / 100)}xx` },
        (performance.now() - started) / 1000,
      ),
    );
    if (path === '/graphql' || path === '/graphql/') graphql.handle(req, res);
    else if (path === '/graphql/import' || path === '/graphql/import/') graphqlImport.handle(req, res);
    // On the public port only behind a token (METRICS_TOKEN); else on METRICS_PORT alone.
    else if (path === '/metrics' && metricsToken && req.method === 'GET') {
      serveMetrics(req, res, metrics, metricsToken).catch((err: unknown) => {
        logger.error({ err }, 'metrics scrape failed');
        if (!res.headersSent) sendHttpError(res, 500);
      });
    } else app(req, res);
  });
  // Subscriptions: WebSocket upgrades of /graphql (graphql-ws), on this same server.
  const live = startLiveUpdates(server, schema, infra, services, clientIp);
  let metricsListener: Awaited<ReturnType<typeof startMetricsListener>> | null = null;
  server.keepAliveTimeout = 65_000; // above common load-balancer idle timeouts
  server.headersTimeout = 66_000;
  return {
    app,
    services,
    listen: (port = config.http.port, host = config.http.host) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }).then(async (bound) => {
        if (config.metrics.apiPort !== null && !metricsListener) {
          metricsListener = await startMetricsListener({
            metrics,
            host: config.metrics.host,
            port: config.metrics.apiPort,
            token: config.metrics.token,
            logger,
            readiness,
          });
        }
        return bound;
      }),
    metricsPort: () => metricsListener?.port ?? null,
    close: async () => {
      const closed = server.listening
        ? new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          })
        : Promise.resolve();
      // Sockets are told to go away (1001: reconnect, to another replica), or the server never closes.
      await live.close();
      await closed;
      await Promise.allSettled([...graphql.running(), ...graphqlImport.running()]);
      await metricsListener?.close();
      await apollo.stop();
      await services.accessRevocations.stop();
      await services.closeQueues();
    },
    inFlight: () => graphql.running().size + graphqlImport.running().size,
    liveConnections: () => live.connections(),
  };
}

/** Trusted manifests and APQ in Redis, as configured (docs/clients.md); undefined when both are off. */
function persistedDocuments(
  config: Infrastructure['config'],
  schema: GraphQLSchema,
  redis: Infrastructure['redis'],
  isAdmin: (context: Context) => boolean,
) {
  const { apq, trustedDocuments } = config.graphql;
  const trusted = loadTrustedDocuments(trustedDocuments.paths, schema, 'TRUSTED_DOCUMENTS');
  if (!apq && trusted.size === 0) return undefined;
  return {
    trusted,
    cache: new PersistedDocumentCache(trusted, apq ? redis : null, {
      prefix: `${config.redis.prefix}:`,
      ttlSeconds: apq?.ttlSeconds ?? 0,
      maxDocumentBytes: apq?.maxDocumentBytes ?? 0,
    }),
    plugin: persistedDocumentsPlugin<Context>({
      trusted,
      strict: trustedDocuments.only,
      mayBypass: isAdmin,
      ipOf: (context) => context.meta.ip,
      registrations: apq && { redis, prefix: config.redis.prefix, perIpPerHour: apq.registrationsPerIpPerHour },
    }),
  };
}

const METHODS = new Set(['GET', 'POST', 'HEAD', 'OPTIONS']);
const methodLabel = (method: string | undefined) => (method && METHODS.has(method) ? method : 'OTHER');
