import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DataSource } from 'typeorm';
import { LoginDocument, MeDocument, RegisterDocument, type RegisterInput } from '../generated/graphql';
import type { TestApp } from './app';
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

/**
 * Registers a user through the API and signs in (the test database verifies the address as the
 * account is created; see verified-fixture.ts); returns its tokens and profile.
 */
export async function registerUser(url: string, overrides: Partial<RegisterInput> = {}) {
  const input = registerInput(overrides);
  expect(ok(await execute(url, RegisterDocument, { input })).register).toBe(true);
  const { login } = ok(await execute(url, LoginDocument, { email: input.email, password: input.password }));
  return { ...login, input, token: login.accessToken };
}

/** A signed-in user and a shorthand to run operations as them. */
export async function signedInUser(url: string, overrides: Partial<RegisterInput> = {}) {
  return withRunners(url, await registerUser(url, overrides));
}

/**
 * An account whose address is not verified yet, registered through the API (its verification
 * email, for this registration attempt, is real), with a session. Sign-in waits for verification
 * now, so the session is issued directly: it stands for the sessions of accounts registered
 * before that rule, which the held-mail guards still cover.
 */
export async function unverifiedUser(app: TestApp, overrides: Partial<RegisterInput> = {}) {
  const input = unverifiedInput(overrides);
  expect(ok(await execute(app.url, RegisterDocument, { input })).register).toBe(true);
  const { auth, users } = app.http.services;
  const user = (await users.findForLogin(input.email))!;
  const payload = await app.infra.ds.transaction((m) =>
    auth['issue'](m, user, randomUUID(), { ip: '127.0.0.1', userAgent: 'test' }),
  );
  const me = ok(await execute(app.url, MeDocument, undefined, { token: payload.accessToken })).me;
  return withRunners(app.url, {
    accessToken: payload.accessToken,
    accessTokenExpiresAt: payload.accessTokenExpiresAt.toISOString(),
    refreshToken: payload.refreshToken,
    refreshTokenExpiresAt: payload.refreshTokenExpiresAt.toISOString(),
    user: me,
    input,
    token: payload.accessToken,
  });
}

function withRunners<R extends { token: string }>(url: string, registered: R) {
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
