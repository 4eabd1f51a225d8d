import { once } from 'node:events';
import net from 'node:net';
import { startTestApp, type TestApp } from '../helpers/app';
import { registerInput } from '../helpers/factories';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  // The test closed the HTTP side already; this ends the connections (a second close is a no-op).
  await app.close();
});

it('finishes a request whose client has gone before it closes, so nothing is cut off mid-write', async () => {
  const input = registerInput({ email: 'drain@example.test' });
  const body = JSON.stringify({
    query: 'mutation R($input: RegisterInput!) { register(input: $input) }',
    variables: { input },
  });
  const socket = net.connect(Number(new URL(app.url).port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // Registration hashes the password (tens of ms): the request is in its handler meanwhile.
  const deadline = Date.now() + 5_000;
  while (app.http.inFlight() === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  expect(app.http.inFlight()).toBe(1);
  socket.destroy();

  await app.http.close();

  expect(app.http.inFlight()).toBe(0);
  const users: unknown[] = await app.infra.ds.query('SELECT id FROM users WHERE email = $1', [input.email]);
  expect(users).toHaveLength(1);
});
