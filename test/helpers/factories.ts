import { randomUUID } from 'node:crypto';
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
