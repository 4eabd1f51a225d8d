import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config';
import type { Context } from './context';
import { formatError, isExpectedError } from './format-error';

/** Logs every unexpected error with the request id, before formatError masks it for the client. */
const logUnexpectedErrors: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue, operationName }) {
        for (const error of errors) {
          if (!isExpectedError(error)) {
            contextValue.logger?.error({ err: error.originalError ?? error, operationName, path: error.path }, 'unexpected GraphQL error');
          }
        }
      },
    };
  },
};

export function createApolloServer(schema: GraphQLSchema, config: Config['graphql']): ApolloServer<Context> {
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxDepth, ignoreIntrospection: false, flattenFragments: true },
    maxAliases: { n: config.maxAliases },
    maxTokens: { n: config.maxTokens },
    maxDirectives: { n: 10 },
    costLimit: { maxCost: config.maxCost, ignoreIntrospection: false, flattenFragments: true },
    // Field suggestions leak the schema when introspection is off.
    blockFieldSuggestion: { enabled: !config.introspection },
  }).protect();

  return new ApolloServer<Context>({
    schema,
    // Explicit production semantics, whatever NODE_ENV says.
    nodeEnv: 'production',
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    formatError,
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      logUnexpectedErrors,
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
}
