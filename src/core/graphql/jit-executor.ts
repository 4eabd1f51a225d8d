import type {
  GatewayExecutor,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import {
  BREAK,
  execute,
  getNamedType,
  getOperationAST,
  GraphQLError,
  isAbstractType,
  printSchema,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** Runs of the same parsed document before it is compiled: one-off documents never are. */
export const COMPILE_AFTER_RUNS = 2;

/** How many operations this process has compiled (read by tests and diagnostics). */
export const jitStats = { compiled: 0 };

interface CompiledPlan {
  executable: CompiledQuery;
  /** Variables the document uses inside an input object or list literal (see createJitExecutor). */
  nestedVariables: string[];
}

interface DocumentPlan {
  runs: number;
  /** Compiled operations by operation name ('' for an anonymous one); null: run by graphql-js. */
  compiled: Map<string, CompiledPlan | null>;
}

/** One operation of a parsed, validated document, with the request's raw variables. */
export interface OperationRequest {
  document: DocumentNode;
  operationName?: string | null;
  /** The operation in `document` to run, when the caller has already picked it (Apollo has). */
  operation?: OperationDefinitionNode;
  variables?: Record<string, unknown>;
  contextValue?: unknown;
}

/**
 * Executes with graphql-jit: a document a client sends repeatedly is compiled once into plain
 * JavaScript for its exact selection, which skips graphql-js's per-field interpretation
 * (argument maps, promise checks, path objects) on every row of a list. Same schema, same
 * resolvers, same results; documents seen fewer than COMPILE_AFTER_RUNS times run on
 * graphql-js, so a flood of distinct documents costs no compilation. GRAPHQL_JIT=false leaves
 * every request to graphql-js (server.ts); the integration tests hold both to the same answers.
 *
 * Where the two can differ, with the same data: when several fields fail, the errors may come
 * in another order (graphql-js lists them as its resolvers settle; the GraphQL spec leaves the
 * order open); and a list item already nulled by one bad value may report a second one.
 * Documents selecting a union or interface are not compiled (see compile below).
 *
 * Variables are coerced by graphql-js before a compiled plan sees them: graphql-jit 0.8's own
 * coercion refuses an input object that omits a non-null field with a default value, which the
 * GraphQL spec (and our schema: `sendThankYou: Boolean! = true`) allows. And a variable written
 * inside an input object or list literal (`login(input: { email: $email, password: $password })`)
 * reaches a compiled plan as null when the request leaves it out, where graphql-js leaves the field
 * out so its default applies (`rescheduleMeeting`'s `allowOverlap: Boolean! = false`): a request
 * that leaves out, or sends null for, such a variable runs on graphql-js.
 *
 * Plans live as long as the caller keeps the parsed document (a WeakMap follows it): Apollo
 * keeps it in its LRU document store.
 */
export function createJitExecutor(schema: GraphQLSchema): (request: OperationRequest) => Promise<ExecutionResult> {
  const plans = new WeakMap<DocumentNode, DocumentPlan>();

  return async ({ document, operationName, operation, variables, contextValue }) => {
    let plan = plans.get(document);
    if (!plan) {
      plan = { runs: 0, compiled: new Map() };
      plans.set(document, plan);
    }
    const inputs = variables ?? {};
    const interpreted = () => execute({ schema, document, operationName, variableValues: inputs, contextValue });
    if (++plan.runs <= COMPILE_AFTER_RUNS) return interpreted();

    const key = operationName ?? '';
    let compiled = plan.compiled.get(key);
    if (compiled === undefined) {
      compiled = compile(schema, document, operationName);
      plan.compiled.set(key, compiled);
    }
    if (!compiled) return interpreted();
    const definitions = (operation ?? getOperationAST(document, operationName))?.variableDefinitions ?? [];
    const coerced = getVariableValues(schema, definitions, inputs, { maxErrors: 50 });
    // Bad variables: graphql-js answers exactly as it always does.
    if (coerced.errors) return interpreted();
    if (compiled.nestedVariables.some((name) => coerced.coerced[name] == null)) return interpreted();
    const result = await compiled.executable.query(undefined, contextValue, coerced.coerced);
    // Errors first, as graphql-js lists them.
    const { errors, ...rest } = result;
    return errors ? { errors: errors.map(asGraphQLError), ...rest } : result;
  };
}

/** The compiled operation, or null when graphql-js must run it. */
function compile(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): CompiledPlan | null {
  // graphql-jit 0.8 resolves a union's or an interface's type synchronously only: a resolveType or
  // isTypeOf that returns a Promise fails where graphql-js waits for it. Rapport's schema has no
  // abstract type to speed up, so a document that selects one stays on graphql-js.
  if (selectsAbstractType(schema, document)) return null;
  const result = compileQuery(schema, document, operationName ?? undefined);
  // Not compilable (e.g. an unknown operation name): graphql-js reports it as usual.
  if (!isCompiledQuery(result)) return null;
  jitStats.compiled++;
  return { executable: result, nestedVariables: nestedVariables(document) };
}

/** Names of the variables written inside an input object or list literal. */
function nestedVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  let depth = 0;
  const literal = { enter: () => void depth++, leave: () => void depth-- };
  visit(document, {
    ObjectValue: literal,
    ListValue: literal,
    Variable(node) {
      if (depth > 0) names.add(node.name.value);
    },
  });
  return [...names];
}

function selectsAbstractType(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        if (type && isAbstractType(getNamedType(type))) {
          found = true;
          return BREAK;
        }
      },
    }),
  );
  return found;
}

/**
 * createJitExecutor as Apollo Server 5 takes it. Apollo 5 has no executor option; its
 * documented way to plug one in is the gateway interface, here serving one fixed schema.
 * Parsing, validation (with the depth, cost and alias limits), plugins and error formatting
 * stay Apollo's.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const run = createJitExecutor(schema);
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  const executor: GatewayExecutor = ({ document, operation, operationName, request, context }) =>
    run({ document, operation, operationName, variables: request.variables, contextValue: context });

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
  // Without an originalError, graphql-jit raised it itself (a resolver's error is kept).
  const message = error.originalError ? error.message : error.message.replace(UNQUOTED_FIELD, 'for field "$1".');
  const converted = new GraphQLError(message, {
    path: error.path,
    originalError: error.originalError ?? asRaisedByGraphqlJs(message),
    extensions: error.extensions,
  });
  if (error.locations?.length) {
    Object.defineProperty(converted, 'locations', { value: error.locations, enumerable: true });
  }
  return converted;
}

// graphql-jit's wording of graphql-js's "Expected Iterable, but did not find one for field "T.f"."
const UNQUOTED_FIELD = /for field (\w+\.\w+)\.$/;
const NON_NULL_VIOLATION = /^Cannot return null for non-nullable field \w+\.\w+\.$/;

/**
 * The originalError graphql-js gives an error it raises itself while completing a value, which
 * graphql-jit leaves out: an Error for a null in a non-null field, a GraphQLError for a value its
 * type cannot serialize or a list that is not one. formatError tells by it a server bug (masked
 * and logged) from an error it may show.
 */
function asRaisedByGraphqlJs(message: string): Error {
  return NON_NULL_VIOLATION.test(message) ? new Error(message) : new GraphQLError(message);
}
