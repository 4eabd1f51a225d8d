// The benchmark's account: registered through the API like anyone's, its address verified in the
// throwaway database (the bench reads no mailbox), then signed in. Returns { token, userId }.
export async function benchAccount(apiUrl, databaseUrl, input) {
  const gql = async (query, variables) => {
    const res = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(`bench account: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  await gql('mutation R($input: RegisterInput!) { register(input: $input) }', { input });
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('UPDATE users SET email_verified_at = now() WHERE email = $1', [input.email]);
  } finally {
    await client.end();
  }
  const { login } = await gql('mutation L($input: LoginInput!) { login(input: $input) { accessToken user { id } } }', {
    input: { email: input.email, password: input.password },
  });
  return { token: login.accessToken, userId: login.user.id };
}
