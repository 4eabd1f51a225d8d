import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { createApolloServer } from '../graphql/server';
import { buildContext } from '../graphql/context';
import { createSchema } from '../graphql/schema';
import { SuppressionService } from '../../modules/emails/suppression.service';
import { createServices, type Infrastructure, type Services } from '../services';
import { healthRouter } from './health';
import { playgroundRouter } from './playground';
import { unsubscribeRouter } from './unsubscribe';

export interface HttpApp {
  app: Express;
  services: Services;
  /** Listens on the configured (or given) port; resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Stops accepting requests, lets in-flight ones finish — also those whose client has already
   * gone — then stops Apollo.
   */
  close(): Promise<void>;
  /** GraphQL requests being handled now. */
  inFlight(): number;
}

/** The API's HTTP surface: health, Playground and GraphQL. Connections are owned by the caller. */
export async function createHttpApp(infra: Infrastructure): Promise<HttpApp> {
  const { config, ds, redis, logger } = infra;
  const services = createServices(infra);
  const apollo = createApolloServer(await createSchema(), config.graphql);
  await apollo.start();

  const graphql = expressMiddleware(apollo, { context: async ({ req }) => buildContext(req, services, ds) });
  const running = new Set<Promise<unknown>>();

  const app = express();
  app.disable('x-powered-by');
  // No ETag on API responses: hashing every GraphQL response body costs CPU for a header no
  // client revalidates POSTs with. (Static Playground files keep serve-static's own ETags.)
  app.set('etag', false);
  app.set('trust proxy', config.http.trustProxy);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // Only method, URL and status: no headers, no bodies.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.use(healthRouter(ds, redis, logger));
  if (config.http.playground) app.use('/playground', playgroundRouter({ endpoint: '/graphql' }));

  app.use(
    '/graphql',
    cors({ origin: config.http.corsOrigins, methods: ['GET', 'POST'], maxAge: 600 }),
    express.json({ limit: config.http.bodyLimit }),
    // Apollo refuses non-JSON bodies itself (CSRF prevention); give it an empty one to judge.
    (req, _res, next) => {
      req.body ??= {};
      next();
    },
    (req, res, next) => {
      // Tracked until the handler ends, not until the socket closes: a client that goes away
      // leaves its request running, and close() must not end the pool under it.
      const handling = Promise.resolve(graphql(req, res, next));
      running.add(handling);
      const done = () => running.delete(handling);
      handling.then(done, done);
      return handling;
    },
  );

  app.use(
    '/unsubscribe',
    express.urlencoded({ extended: false, limit: '2kb' }),
    unsubscribeRouter({ suppressions: new SuppressionService(ds), secret: config.email.unsubscribeSecret }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) req.log?.error({ err }, 'unhandled HTTP error');
    const message =
      status === 413 ? 'request body too large' : status === 500 ? 'internal server error' : 'bad request';
    res
      .status(status)
      .json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  };
  app.use(onError);

  let server: Server | undefined;
  return {
    app,
    services,
    listen: (port = config.http.port, host = config.http.host) =>
      new Promise((resolve, reject) => {
        server = app.listen(port, host, (err?: Error) => {
          if (err) return reject(err);
          const address = server!.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
        server.keepAliveTimeout = 65_000; // above common load-balancer idle timeouts
        server.headersTimeout = 66_000;
      }),
    close: async () => {
      if (server) {
        await new Promise<void>((resolve) => {
          server!.close(() => resolve());
          server!.closeIdleConnections();
        });
      }
      await Promise.allSettled([...running]);
      await apollo.stop();
      await services.emailQueue.close();
    },
    inFlight: () => running.size,
  };
}
