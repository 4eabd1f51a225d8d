import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { PASSWORD, registerInput, registerUser, unverifiedInput, unverifiedUser } from '../helpers/factories';
import { errorOf, execute, ok } from '../helpers/graphql';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { LoginDocument, MeDocument, RegisterDocument, VerifyEmailDocument } from '../generated/graphql';

const PUBLIC_URL = 'https://rapport.example.test';
let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL });
  sink = await startSmtpSink();
  worker = await startEmailWorker(app, sink.url, { PUBLIC_URL });
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

/** What a client sees of register's answer: its data and errors, and the status. */
const register = async (input: ReturnType<typeof registerInput>) => {
  const { data, errors, status } = await execute(app.url, RegisterDocument, { input });
  return { data, errors, status };
};
const TRUE = { data: { register: true }, errors: undefined, status: 200 };
const login = (email: string, password: string) => execute(app.url, LoginDocument, { email, password });
const mailTo = (address: string, subject: string) =>
  sink.messages.filter((m) => m.envelope.to.includes(address) && m.parsed.subject === subject);
const VERIFY = 'Verify your email address for Rapport';
const EXISTS = 'You already have a Rapport account';
const linkToken = (text: string | undefined) =>
  decodeURIComponent(/verify-email\?token=([A-Za-z0-9_%-]+)/.exec(text ?? '')![1]);

it('answers true for a new and a taken address alike; the owner of a taken one is told, a few times an hour at most', async () => {
  const owner = await registerUser(app.url);
  const fresh = registerInput();
  const answers = [
    await register(fresh),
    await register({ ...owner.input, name: 'Mallory', password: 'mallory password 1' }),
  ];
  expect(answers[1]).toEqual(answers[0]);
  expect(answers[0]).toEqual(TRUE);

  const notice = await eventually(() => mailTo(owner.input.email, EXISTS)[0] ?? false);
  expect(notice.parsed.text).toContain(PUBLIC_URL);
  expect(notice.parsed.text).not.toContain('Mallory');
  expect(mailTo(owner.input.email, VERIFY)).toEqual([]);
  // Nothing about the account changed: its password, name and sessions are as they were.
  ok(await login(owner.input.email, PASSWORD));
  expect(ok(await execute(app.url, MeDocument, undefined, { token: owner.token })).me.name).toBe(owner.input.name);

  // Three notes an hour to one address, then silence, with the same answer.
  for (let i = 0; i < 4; i++) expect(await register(owner.input)).toEqual(answers[0]);
  await eventually(() => mailTo(owner.input.email, EXISTS).length === 3);
  await worker.reconciler.sweep();
  expect(mailTo(owner.input.email, EXISTS)).toHaveLength(3);
});

it('signs nobody in until the address is verified, and says so only to whoever knows the password', async () => {
  const input = unverifiedInput();
  expect(await register(input)).toEqual(TRUE);

  const wrong = errorOf(await login(input.email, 'not the password at all'));
  const unknown = errorOf(await login(`nobody-${input.email}`, 'not the password at all'));
  expect(wrong.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' });
  expect(unknown.extensions).toEqual(wrong.extensions);
  expect(errorOf(await login(input.email, PASSWORD)).extensions).toMatchObject({
    code: 'UNAUTHENTICATED',
    reason: 'EMAIL_NOT_VERIFIED',
  });

  const mail = await eventually(() => mailTo(input.email, VERIFY)[0] ?? false);
  expect(ok(await execute(app.url, VerifyEmailDocument, { token: linkToken(mail.parsed.text) })).verifyEmail).toBe(
    true,
  );
  const { login: session } = ok(await login(input.email, PASSWORD));
  expect(session.user).toMatchObject({ email: input.email, name: input.name, timezone: input.timezone });
});

it('applies only the password of the attempt whose link is used: an earlier registration by someone else gets nothing', async () => {
  const victim = unverifiedInput({ name: 'Victoria', timezone: 'America/New_York', password: 'victoria chose this' });
  // Mallory registers the address first, with her own password, before its owner does.
  await register({ ...victim, name: 'Mallory', timezone: 'UTC', password: 'mallory chose this one' });
  await eventually(() => mailTo(victim.email, VERIFY).length === 1);
  await register(victim);
  await eventually(() => mailTo(victim.email, VERIFY).length === 2);
  const [mallorys, victorias] = mailTo(victim.email, VERIFY);
  // Mallory cannot sign in with her password, before or after.
  expect(errorOf(await login(victim.email, 'mallory chose this one')).extensions?.reason).toBe('EMAIL_NOT_VERIFIED');

  ok(await execute(app.url, VerifyEmailDocument, { token: linkToken(victorias.parsed.text) }));
  expect(errorOf(await login(victim.email, 'mallory chose this one')).extensions?.reason).toBe('INVALID_CREDENTIALS');
  const { login: session } = ok(await login(victim.email, victim.password));
  expect(session.user).toMatchObject({ name: 'Victoria', timezone: 'America/New_York' });
  // The other attempt's link died with it.
  const stale = errorOf(await execute(app.url, VerifyEmailDocument, { token: linkToken(mallorys.parsed.text) }));
  expect(stale.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.token' }] });
  const attempts = await app.infra.ds.query('SELECT 1 FROM registration_attempts WHERE user_id = $1', [
    session.user.id,
  ]);
  expect(attempts).toEqual([]);
});

it('ends the sessions an account had before its address was proved when a registration attempt’s link sets the password', async () => {
  // A session from before sign-in waited for verification (an account registered back then).
  const earlier = await unverifiedUser(app);
  await eventually(() => mailTo(earlier.input.email, VERIFY).length === 1);
  await register({ ...earlier.input, password: 'the owner chose this' });
  await eventually(() => mailTo(earlier.input.email, VERIFY).length === 2);
  const owners = mailTo(earlier.input.email, VERIFY)[1];
  ok(await execute(app.url, VerifyEmailDocument, { token: linkToken(owners.parsed.text) }));
  await eventually(async () => {
    const res = await execute(app.url, MeDocument, undefined, { token: earlier.token });
    return res.errors?.[0].extensions?.code === 'UNAUTHENTICATED';
  });
  ok(await login(earlier.input.email, 'the owner chose this'));
});
