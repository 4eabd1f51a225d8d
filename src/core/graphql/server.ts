import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  BREAK,
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import { ErrorCode } from '../errors';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { formatError, isExpectedError } from './format-error';
import { jitGateway } from './jit-executor';
import type { PersistedDocumentCache } from './persisted-queries';
import { estimateQueryCost } from './query-cost';
import { requestObserver, type ObservedContext } from './request-observer';
import type { Metrics } from '../metrics/metrics';

/** What the server reads from a request's context. */
export interface ServerContext extends ObservedContext {
  logger?: Logger;
}

/** Logs every unexpected error with the request id, before formatError masks it for the client. */
const logUnexpectedErrors: ApolloServerPlugin<ServerContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue, operationName }) {
        for (const error of errors) {
          if (!isExpectedError(error)) {
            contextValue.logger?.error(
              { err: error.originalError ?? error, operationName, path: error.path },
              'unexpected GraphQL error',
            );
          }
        }
      },
    };
  },
};

// Apollo reuses the parsed document of a repeated query, so the answer is kept per document.
const introspectionByDocument = new WeakMap<DocumentNode, boolean>();

function usesIntrospection(document: DocumentNode): boolean {
  const known = introspectionByDocument.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
    },
  });
  introspectionByDocument.set(document, found);
  return found;
}

/**
 * Introspection for everyone when GRAPHQL_INTROSPECTION is on; otherwise only for contexts
 * `mayIntrospect` accepts (administrators), so the Playground still works in production.
 */
function introspectionGate<C extends ServerContext>(
  allowEveryone: boolean,
  mayIntrospect: (context: C) => boolean,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (allowEveryone || mayIntrospect(contextValue) || !usesIntrospection(document)) return;
          throw new GraphQLError('Introspection is available to administrators only', {
            extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
          });
        },
      };
    },
  };
}

// Items assumed for a to-many list that takes no page size (a meeting's agenda, a contact's
// introductions): most hold a handful.
const UNBOUNDED_LIST_SIZE = 10;
const fragmentsByDocument = new WeakMap<DocumentNode, Record<string, FragmentDefinitionNode>>();

/** Objects `operation` could return, counting list sizes (see estimateQueryCost): nested pages multiply. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  let fragments = fragmentsByDocument.get(document);
  if (!fragments) {
    fragments = {};
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    fragmentsByDocument.set(document, fragments);
  }
  return estimateQueryCost(schema, operation, fragments, variables, { unboundedListSize: UNBOUNDED_LIST_SIZE });
}

/** The error of an operation over the cost limit (GRAPHQL_MAX_COST). */
export function costLimitError(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(
    `This query could return about ${cost} objects; the limit is ${maxCost}. Ask for smaller pages (first) or fewer nested lists.`,
    {
      extensions: {
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'COST_LIMIT',
        cost,
        maxCost,
        http: { status: 400 },
      },
    },
  );
}

/** Refuses, before anything runs, an operation that could return more than `maxCost` objects. */
function costLimitGate<C extends ServerContext>(maxCost: number): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          const cost = operationCost(schema, document, operation, request.variables ?? {});
          if (cost > maxCost) throw costLimitError(cost, maxCost);
        },
      };
    },
  };
}

/**
 * Depth, alias and directive limits (graphql-armor) as validation rules, for every operation
 * whatever its transport (HTTP here, WebSocket in core/live).
 */
export function operationArmor(config: Config['graphql']) {
  return new ApolloArmor({
    maxDepth: { n: config.maxDepth, ignoreIntrospection: false, flattenFragments: true },
    maxAliases: { n: config.maxAliases },
    // Tokens are limited by graphql-js's own parser (parseOptions below): armor's token plugin
    // throws from an Apollo hook, which Apollo 5 reports as a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: 10 },
    // Cost is estimated with list sizes multiplied (costLimitGate below): armor's ignores `first`.
    costLimit: { enabled: false },
    // Field suggestions leak the schema when introspection is off.
    blockFieldSuggestion: { enabled: !config.introspection },
  }).protect();
}

/** Subscriptions are served over WebSocket (core/live); over HTTP they are refused, clearly. */
function subscriptionsOverHttpGate<C extends ServerContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at this same URL', {
            extensions: { code: 'BAD_REQUEST', reason: 'USE_WEBSOCKET', http: { status: 400 } },
          });
        },
      };
    },
  };
}

export interface ApolloServerOptions<C extends object> {
  /** Whether a request may introspect while introspection is off for everyone. */
  mayIntrospect: (context: C) => boolean;
  /** Where request durations and error codes are counted. */
  metrics: Metrics;
  /**
   * Persisted documents (persisted-queries.ts): where a hash is looked up, and the plugin that
   * enforces trusted documents and bounds APQ registrations. Absent: hashes are refused.
   */
  persisted?: { cache: PersistedDocumentCache; plugin: ApolloServerPlugin<C> };
}

export function createApolloServer<C extends ServerContext>(
  schema: GraphQLSchema,
  config: Config['graphql'],
  { mayIntrospect, metrics, persisted }: ApolloServerOptions<C>,
): ApolloServer<C> {
  const armor = operationArmor(config);

  return new ApolloServer<C>({
    // The schema, executed with graphql-jit once a document repeats (see jit-executor.ts), or
    // by graphql-js alone when GRAPHQL_JIT=false.
    ...(config.jit ? { gateway: jitGateway(schema) } : { schema }),
    // Explicit production semantics, whatever NODE_ENV says.
    nodeEnv: 'production',
    introspection: true, // gated per request by introspectionGate

    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT and stops the HTTP server first; Apollo's own handlers
    // would race it and re-raise the signal mid-shutdown.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Shared by every replica (Redis), never Apollo's per-process default; the cache sets the TTL.
    persistedQueries: persisted ? { cache: persisted.cache } : false,
    parseOptions: { maxTokens: config.maxTokens },
    formatError,
    validationRules: armor.validationRules,
    plugins: [
      // First: a document that is not allowed is refused before the other checks say anything.
      ...(persisted ? [persisted.plugin] : []),
      ...armor.plugins,
      introspectionGate(config.introspection, mayIntrospect),
      costLimitGate(config.maxCost),
      subscriptionsOverHttpGate(),
      logUnexpectedErrors as ApolloServerPlugin<C>,
      requestObserver(metrics) as ApolloServerPlugin<C>,
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
}
