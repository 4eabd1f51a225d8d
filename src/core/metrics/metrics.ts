import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** GraphQL operation names one process labels metrics with; later new names count as `__other`. */
export const MAX_OPERATION_LABELS = 300;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** Error codes a label may carry (ours and Apollo's); anything else is `OTHER`. */
const ERROR_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_ALLOWED',
]);

/** One value a collected gauge reports: its labels (if any) and the number. */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

/**
 * One process's Prometheus metrics (prom-client): its own registry, so two apps in one process
 * (tests) never mix their numbers. Label values are bounded: operation names a client chooses
 * are capped at MAX_OPERATION_LABELS, error codes come from a fixed list, so no client can grow
 * the series without end.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  readonly graphqlDuration: Histogram<'operation' | 'type'>;
  readonly graphqlErrors: Counter<'code'>;
  readonly emailsProcessed: Counter<'kind' | 'outcome'>;
  readonly reconcilerRuns: Counter<'result'>;
  readonly reconcilerRepairs: Counter<'action'>;
  private readonly operations = new Set<string>();

  constructor(processName: string) {
    this.registry.setDefaultLabels({ process: processName });
    collectDefaultMetrics({ register: this.registry, prefix: 'rapport_' });
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'rapport_http_request_duration_seconds',
      help: 'HTTP requests by route, method and status class, from arrival to the last byte.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.graphqlDuration = new Histogram({
      name: 'rapport_graphql_operation_duration_seconds',
      help: 'GraphQL requests by operation name and type, from parsing to the response.',
      labelNames: ['operation', 'type'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.graphqlErrors = new Counter({
      name: 'rapport_graphql_errors_total',
      help: 'GraphQL errors answered, by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    this.emailsProcessed = new Counter({
      name: 'rapport_emails_processed_total',
      help: 'Send jobs by email kind and how they ended (SENT, FAILED, UNCERTAIN, SUPPRESSED, CANCELLED, PENDING for a retry or a release, NOT_DUE).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.reconcilerRuns = new Counter({
      name: 'rapport_reconciler_runs_total',
      help: 'Reconciler sweeps by result (done, skipped: another worker held the lock, failed).',
      labelNames: ['result'],
      registers,
    });
    this.reconcilerRepairs = new Counter({
      name: 'rapport_reconciler_repairs_total',
      help: 'Rows the reconciler repaired, by action (released, uncertain, requeued).',
      labelNames: ['action'],
      registers,
    });
  }

  /** The label for a GraphQL operation name: itself while few, else a bucket. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return '__anonymous';
    if (!OPERATION_NAME.test(name)) return '__other';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS) return '__other';
    this.operations.add(name);
    return name;
  }

  errorCodeLabel(code: unknown): string {
    return typeof code === 'string' && ERROR_CODES.has(code) ? code : 'OTHER';
  }

  /**
   * A gauge read when Prometheus scrapes, from `read` (a query, a queue count), whose answer is
   * kept `cacheMs` so a burst of scrapes costs one read. A failed read reports nothing (and
   * `rapport_metrics_collect_errors_total` counts it) rather than failing the scrape.
   */
  collected(name: string, help: string, labelNames: string[], read: () => Promise<Sample[]>, cacheMs = 5_000): void {
    // Registered once per process (an API and a worker sharing one in tests register it twice).
    if (this.registry.getSingleMetric(name)) return;
    let cached: { at: number; samples: Sample[] } | null = null;
    const errors = this.collectErrors;
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        if (!cached || Date.now() - cached.at > cacheMs) {
          try {
            cached = { at: Date.now(), samples: await read() };
          } catch {
            errors.inc({ metric: name });
            cached = null;
            return;
          }
        }
        this.reset();
        for (const s of cached.samples) {
          if (s.labels) this.set(s.labels, s.value);
          else this.set(s.value);
        }
      },
    });
  }

  private get collectErrors(): Counter<'metric'> {
    const existing = this.registry.getSingleMetric('rapport_metrics_collect_errors_total');
    return (
      (existing as Counter<'metric'> | undefined) ??
      new Counter({
        name: 'rapport_metrics_collect_errors_total',
        help: 'Scrape-time reads that failed (the gauge reported nothing that scrape).',
        labelNames: ['metric'],
        registers: [this.registry],
      })
    );
  }
}

/** The bounded `route` label of an HTTP path (its first segment among the known ones). */
export function routeLabel(path: string): string {
  const lower = path.toLowerCase();
  if (lower === '/graphql' || lower === '/graphql/') return '/graphql';
  if (lower.startsWith('/graphql/import')) return '/graphql/import';
  const first = /^\/[a-z-]*/.exec(lower)?.[0] ?? '/';
  return KNOWN_ROUTES.has(first) ? first : 'other';
}

const KNOWN_ROUTES = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/playground',
  '/unsubscribe',
  '/export',
  '/calendar',
  '/verify-email',
  '/reset-password',
]);
