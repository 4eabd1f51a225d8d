import type { GraphQLSchema } from 'graphql';
import type { LivePubSub } from '../core/live/live-events';
import { buildGraphQLSchema } from '../core/graphql/schema-builder';
import { FEATURES, RESOLVERS } from './features';

/**
 * Rapport's GraphQL schema: every feature's resolvers and joined relations; subscriptions listen
 * on `pubSub` (the API's live events; a process-local one for emitting the schema).
 */
export function createSchema(pubSub?: LivePubSub): Promise<GraphQLSchema> {
  const joinedRelations: Record<string, string[]> = {};
  for (const feature of FEATURES) {
    if (!('joinedRelations' in feature)) continue;
    for (const [type, fields] of Object.entries(feature.joinedRelations)) {
      (joinedRelations[type] ??= []).push(...fields);
    }
  }
  return buildGraphQLSchema({ resolvers: RESOLVERS, joinedRelations, pubSub });
}
