import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../metrics/metrics';

/** What the request's log line says of its GraphQL operation; filled in as the request runs. */
export interface RequestLogFields {
  /** The operation's name as the client sent it (cut to 100 characters), once it is known. */
  operation?: string;
  /** The signed-in user, if any. */
  userId?: string;
}

/** What the observer reads from a request's context. */
export interface ObservedContext {
  user?: { id: string } | null;
  requestLog?: RequestLogFields;
}

/**
 * Times every GraphQL request by operation name and type, counts its errors by code, and names
 * the operation and the user on the request's log line. Never the variables, the document or a
 * token: only names and ids.
 */
export function requestObserver(metrics: Metrics): ApolloServerPlugin<ObservedContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      let operation: string | null = null;
      let type = 'unknown';
      const log = contextValue.requestLog;
      if (log && contextValue.user) log.userId = contextValue.user.id;
      return {
        async didResolveOperation(ctx) {
          operation = ctx.operationName ?? null;
          type = ctx.operation?.operation ?? 'unknown';
          if (log) log.operation = (ctx.operationName ?? '(anonymous)').slice(0, 100);
        },
        async willSendResponse({ response }) {
          metrics.graphqlDuration.observe(
            {
              operation: operation === null && type === 'unknown' ? '__unparsed' : metrics.operationLabel(operation),
              type,
            },
            (performance.now() - started) / 1000,
          );
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const error of errors ?? [])
            metrics.graphqlErrors.inc({ code: metrics.errorCodeLabel(error.extensions?.code) });
        },
      };
    },
  };
}
