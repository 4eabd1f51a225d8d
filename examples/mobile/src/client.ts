// What a React Native app's network layer does with the generated ./gql: the documents hold only
// their hash (mode replaceDocumentWithHash), so the app ships no GraphQL text and can send only
// what the server's manifest (./gql/persisted-documents.json, deployed with TRUSTED_DOCUMENTS)
// registered. The hash goes as Apollo's persisted-query extension, as Apollo iOS and Kotlin send it.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLFormattedError } from 'graphql';
import { MobileNextMeetingsDocument, MobileSignInDocument } from './gql/graphql';

/** The errors of a response that has any (PERSISTED_QUERY_NOT_FOUND: the server lacks this app's manifest). */
export class MobileRequestError extends Error {
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super(errors.map((e) => `${String(e.extensions?.code ?? 'ERROR')}: ${e.message}`).join('; '));
  }
}

/** The sha256 hex a generated document is registered under. */
export function documentHash(document: TypedDocumentNode<unknown, never>): string {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!hash) throw new Error('not a persisted document: regenerate ./gql with persistedDocuments on');
  return hash.replace(/^sha256:/, '');
}

export async function request<T, V>(
  endpoint: string,
  document: TypedDocumentNode<T, V>,
  variables: V,
  accessToken?: string,
): Promise<T> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    },
    body: JSON.stringify({
      variables,
      extensions: {
        persistedQuery: { version: 1, sha256Hash: documentHash(document as TypedDocumentNode<unknown, never>) },
      },
    }),
  });
  const response = (await res.json()) as { data?: T | null; errors?: GraphQLFormattedError[] };
  if (response.errors?.length || !response.data) throw new MobileRequestError(response.errors ?? []);
  return response.data;
}

export async function signIn(endpoint: string, email: string, password: string) {
  return (await request(endpoint, MobileSignInDocument, { email, password })).login;
}

/** The next ten scheduled meetings, for the home screen. */
export async function nextMeetings(endpoint: string, accessToken: string, now = new Date()) {
  const { meetings } = await request(endpoint, MobileNextMeetingsDocument, { from: now.toISOString() }, accessToken);
  return meetings.edges.map((edge) => edge.node);
}
