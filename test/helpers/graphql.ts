import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
}

/** Posts a typed operation to the API over real HTTP. */
export async function execute<T, V>(
  url: string,
  document: TypedDocumentNode<T, V>,
  variables?: V,
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  return postRaw<T>(url, { query: print(document), variables }, options);
}

export async function postRaw<T = unknown>(
  url: string,
  body: unknown,
  options: RequestOptions & { contentType?: string; path?: string } = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${url}${options.path ?? '/graphql'}`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: { data?: T | null; errors?: GraphQLFormattedError[] } = {};
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 200)}`);
  }
  return { status: res.status, data: json.data, errors: json.errors, headers: res.headers };
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) {
    throw new Error(`expected success, got ${response.status}: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

/** The single error of a failed response. */
export function errorOf(response: GraphQLResponse<unknown>): GraphQLFormattedError {
  expect(response.errors).toHaveLength(1);
  return response.errors![0];
}
