import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
function authorised(req: IncomingMessage, token: string | null): boolean {
  if (!token) return true;
  const given = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return !!given && timingSafeEqual(digest(given), digest(token));
}

/**
 * Answers a scrape: the registry in Prometheus text format, behind the bearer token when one is
 * configured (401 otherwise; the answer says nothing else).
 */
export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: Metrics,
  token: string | null,
): Promise<void> {
  if (!authorised(req, token)) {
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
    res.end('unauthorised\n');
    return;
  }
  const body = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
  res.end(body);
}

export interface MetricsListenerOptions {
  metrics: Metrics;
  host: string;
  port: number;
  token: string | null;
  logger: Logger;
  /** `/readyz` of this listener: the process's own view (JSON, 503 when not ready). */
  readiness?: () => Promise<{ ready: boolean; checks: Record<string, unknown> }>;
}

/**
 * A small HTTP listener of its own for `/metrics` (and `/healthz`, `/readyz`), for a process
 * without an API (the worker) or to keep metrics off the public port. Resolves with the port.
 */
export async function startMetricsListener(
  options: MetricsListenerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const { metrics, token, logger, readiness } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET' }).end();
      } else if (path === '/metrics') {
        await serveMetrics(req, res, metrics, token);
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else if (path === '/readyz' && readiness) {
        const { ready, checks } = await readiness();
        res
          .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: ready ? 'ready' : 'not_ready', checks }));
      } else {
        res.writeHead(404).end();
      }
    };
    answer().catch((err: unknown) => {
      logger.error({ err }, 'metrics listener failed to answer');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  logger.info({ host: options.host, port }, 'metrics listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
