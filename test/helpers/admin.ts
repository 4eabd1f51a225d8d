import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { UserService } from '../../src/modules/users/user.service';
import { Role } from '../../src/modules/users/user.entity';
import { LoginDocument } from '../generated/graphql';
import type { TestApp } from './app';
import { signedInUser } from './factories';
import { execute, ok } from './graphql';

/**
 * A user promoted as `npm run admin:promote` does (UserService.setRole), then signed in again:
 * the promotion revoked their earlier tokens, and the new one carries role ADMIN.
 */
export async function adminUser(app: TestApp) {
  const user = await signedInUser(app.url);
  expect(await new UserService(app.infra.ds).setRole(user.input.email, Role.ADMIN)).toBeTruthy();
  const { login } = ok(
    await execute(app.url, LoginDocument, { email: user.input.email, password: user.input.password }),
  );
  return signedInUserWithToken(user, login.accessToken, app.url);
}

function signedInUserWithToken<U extends { token: string }>(user: U, token: string, url: string) {
  return {
    ...user,
    token,
    run: <T, V>(document: TypedDocumentNode<T, V>, variables?: V) => execute(url, document, variables, { token }),
    ok: async <T, V>(document: TypedDocumentNode<T, V>, variables?: V) =>
      ok(await execute(url, document, variables, { token })),
  };
}
