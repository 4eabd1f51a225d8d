import type {
  GatewayExecutor,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import { execute, GraphQLError, printSchema, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** Runs of the same parsed document before it is compiled: one-off documents never are. */
export const COMPILE_AFTER_RUNS = 2;

/** How many operations this process has compiled (read by tests and diagnostics). */
export const jitStats = { compiled: 0 };

interface DocumentPlan {
  runs: number;
  /** Compiled operations by operation name ('' for an anonymous one). */
  compiled: Map<string, CompiledQuery>;
}

/**
 * Executes with graphql-jit: a document a client sends repeatedly is compiled once into plain
 * JavaScript for its exact selection, which skips graphql-js's per-field interpretation
 * (argument maps, promise checks, path objects) on every row of a list. Same schema, same
 * resolvers, same results; documents seen fewer than COMPILE_AFTER_RUNS times run on
 * graphql-js, so a flood of distinct documents costs no compilation.
 *
 * Variables are coerced by graphql-js before a compiled plan sees them: graphql-jit 0.8's own
 * coercion refuses an input object that omits a non-null field with a default value, which the
 * GraphQL spec (and our schema: `sendThankYou: Boolean! = true`) allows.
 *
 * Apollo Server 5 has no executor option; its documented way to plug one in is the gateway
 * interface, here serving one fixed schema. Parsing, validation (with the depth, cost and
 * alias limits), plugins and error formatting stay Apollo's. Plans live as long as Apollo
 * keeps the parsed document in its LRU document store (a WeakMap follows it).
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const plans = new WeakMap<DocumentNode, DocumentPlan>();
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();

  const executor: GatewayExecutor = async ({ document, operation, operationName, request, context }) => {
    let plan = plans.get(document);
    if (!plan) {
      plan = { runs: 0, compiled: new Map() };
      plans.set(document, plan);
    }
    const inputs = request.variables ?? {};
    const interpreted = () =>
      execute({ schema, document, operationName, variableValues: inputs, contextValue: context });
    if (++plan.runs <= COMPILE_AFTER_RUNS) return interpreted();

    const key = operationName ?? '';
    let compiled = plan.compiled.get(key);
    if (!compiled) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      // Not compilable (e.g. an unknown operation name): graphql-js reports it as usual.
      if (!isCompiledQuery(result)) return interpreted();
      compiled = result;
      plan.compiled.set(key, compiled);
      jitStats.compiled++;
    }
    const variables = getVariableValues(schema, operation.variableDefinitions ?? [], inputs, { maxErrors: 50 });
    // Bad variables: graphql-js answers exactly as it always does.
    if (variables.errors) return interpreted();
    const result = await compiled.query(undefined, context, variables.coerced);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  return {
    async load() {
      const coreSupergraphSdl = printSchema(schema);
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl });
      return { executor };
    },
    onSchemaLoadOrUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {},
  };
}

/**
 * graphql-jit reports errors with its own error type; Apollo, its plugins and our error
 * formatting expect graphql-js's (with the resolver's error as originalError). Same message,
 * path, locations and extensions.
 */
function asGraphQLError(reported: GraphQLError): GraphQLError {
  // graphql-jit's class passes instanceof but defines its fields read-only, which plugins that
  // rewrite messages (graphql-armor's suggestion masking) trip over: always make a new one.
  const error = reported as Pick<GraphQLError, 'message' | 'path' | 'originalError' | 'extensions' | 'locations'>;
  const converted = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  if (error.locations?.length) {
    Object.defineProperty(converted, 'locations', { value: error.locations, enumerable: true });
  }
  return converted;
}
