import net from 'node:net';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { registerUser } from '../helpers/factories';
import { errorOf, execute, postRaw } from '../helpers/graphql';
import { baseTestEnv } from '../helpers/test-env';
import { CreateContactDocument, MeDocument } from '../generated/graphql';

// The API reaches PostgreSQL through a TCP relay of this test's own, which it cuts (every open
// connection reset, new ones refused) and opens again: an outage seen from the API's side,
// without stopping the PostgreSQL the rest of the suite shares.

interface Relay {
  port: number;
  cut(): Promise<void>;
  open(): Promise<void>;
  close(): Promise<void>;
}

async function startRelay(target: URL): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const [host, targetPort] = [target.hostname, Number(target.port || 5432)];
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.resetAndDestroy();
    await closed;
  };
  return { port, cut, open: () => listen(port), close: () => (server.listening ? cut() : Promise.resolve()) };
}

let relay: Relay;
let app: TestApp;
beforeAll(async () => {
  const database = new URL(baseTestEnv().DATABASE_URL);
  relay = await startRelay(database);
  database.host = `127.0.0.1:${relay.port}`;
  app = await startTestApp({ DATABASE_URL: database.toString() });
});
afterAll(async () => {
  await relay.open().catch(() => undefined);
  await app.close();
  await relay.close();
});

it('answers SERVICE_UNAVAILABLE, retryable, while PostgreSQL cannot be reached, and recovers by itself', async () => {
  const { token, user } = await registerUser(app.url);
  await relay.cut();

  const me = await execute(app.url, MeDocument, undefined, { token });
  const created = await execute(app.url, CreateContactDocument, { input: { firstName: 'Ada' } }, { token });
  for (const res of [me, created]) {
    // A GraphQL response with `data: null` is not a request error: 200 (GraphQL-over-HTTP, docs/errors.md).
    expect(res.status).toBe(200);
    const error = errorOf(res);
    expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(JSON.stringify(error)).not.toMatch(/ECONN|terminated|SELECT|INSERT|127\.0\.0\.1/);
  }
  // Whatever the client accepts.
  const strict = await postRaw(
    app.url,
    { query: '{ me { id } }' },
    { token, headers: { accept: 'application/graphql-response+json' } },
  );
  expect(errorOf(strict).extensions?.code).toBe('SERVICE_UNAVAILABLE');
  // A request that was wrong is still told so: its error is not the outage's.
  expect(errorOf(await postRaw(app.url, { query: '{ me { nope } }' }, { token })).extensions?.code).toBe(
    'GRAPHQL_VALIDATION_FAILED',
  );

  await relay.open();
  await eventually(async () =>
    expect((await execute(app.url, MeDocument, undefined, { token })).data?.me.id).toBe(user.id),
  );
});
