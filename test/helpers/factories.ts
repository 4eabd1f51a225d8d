import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DataSource } from 'typeorm';
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

/**
 * An address the test database does not verify on registration (see global-setup.ts): the
 * account gets a real verification email. Every other registered account is verified at once.
 */
export function unverifiedInput(overrides: Partial<RegisterInput> = {}): RegisterInput {
  return registerInput({ email: `user-${randomUUID().slice(0, 8)}@unverified.test`, ...overrides });
}

/** Registers a user through the API (verified, unless its address is at unverified.test); returns its tokens and profile. */
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

/**
 * `count` due OUTREACH emails to fresh contacts (`<tag><i>@<domain>`), written straight into the
 * outbox as the planner would, with no timer: a test enqueues them, or leaves them to the
 * reconciler. Due `dueSecondsAgo` seconds ago.
 */
export async function insertDueOutreach(
  ds: DataSource,
  userId: string,
  { count, tag, domain, dueSecondsAgo = 0 }: { count: number; tag: string; domain: string; dueSecondsAgo?: number },
): Promise<{ id: string; message_id: string }[]> {
  return ds.query(
    `WITH people AS (
       INSERT INTO contacts (user_id, first_name, email)
       SELECT $1, 'Person ' || i, $3 || i || '@' || $4 FROM generate_series(1, $2) i
       RETURNING id, email, first_name)
     INSERT INTO scheduled_emails (user_id, contact_id, kind, dedupe_key, to_email, to_name, subject, body_override, send_at, message_id)
     SELECT $1, p.id, 'OUTREACH', 'outreach:' || p.id, p.email, p.first_name, 'Hello', 'Could we talk?',
            now() - make_interval(secs => $5), '<' || gen_random_uuid() || '@' || $4 || '>'
     FROM people p
     RETURNING id, message_id`,
    [userId, count, tag, domain, dueSecondsAgo],
  );
}
