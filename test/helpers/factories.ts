import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { RegisterDocument, type RegisterInput } from '../generated/graphql';
import { execute, ok } from './graphql';

export const PASSWORD = 'correct horse battery staple';

export function registerInput(overrides: Partial<RegisterInput> = {}): RegisterInput {
  return {
    email: `user-${randomUUID().slice(0, 8)}@example.test`,
    password: PASSWORD,
    name: 'Ada Lovelace',
    timezone: 'Europe/London',
    ...overrides,
  };
}

/** Registers a user through the API; returns its tokens and profile. */
export async function registerUser(url: string, overrides: Partial<RegisterInput> = {}) {
  const input = registerInput(overrides);
  const { register } = ok(await execute(url, RegisterDocument, { input }));
  return { ...register, input, token: register.accessToken };
}

/** A signed-in user and a shorthand to run operations as them. */
export async function signedInUser(url: string, overrides: Partial<RegisterInput> = {}) {
  const registered = await registerUser(url, overrides);
  return {
    ...registered,
    run: <T, V>(document: TypedDocumentNode<T, V>, variables?: V) =>
      execute(url, document, variables, { token: registered.token }),
    /** Runs and returns data, failing the test on any error. */
    ok: async <T, V>(document: TypedDocumentNode<T, V>, variables?: V) =>
      ok(await execute(url, document, variables, { token: registered.token })),
  };
}

export type SignedInUser = Awaited<ReturnType<typeof signedInUser>>;
