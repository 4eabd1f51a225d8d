import type { GraphQLFormattedError } from 'graphql';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser, type SignedInUser } from '../helpers/factories';
import { startProcess, within, type RunningProcess } from '../helpers/processes';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { CreateContactDocument, MeDocument, RequestMeetingDocument, UpdateProfileDocument } from '../generated/graphql';
import { report, SCALE, timeoutMs } from './fault-scale';
import { startOwnServers, type OwnServers } from './own-servers';

// Redis is killed and PostgreSQL stopped: this file has servers of its own.
const N = SCALE.restartEmails;
const WORKERS = 2;

let own: OwnServers;
let sink: SmtpSink;
const processes: RunningProcess[] = [];
beforeAll(async () => {
  own = await startOwnServers();
  sink = await startSmtpSink({ parse: false });
}, 120_000);
afterAll(async () => {
  for (const p of processes) {
    p.child.kill('SIGTERM');
    await within(p.exited, 20_000, 'process shutdown').catch(() => p.child.kill('SIGKILL'));
  }
  await sink.close();
  await own.close();
}, 90_000);

/** What a client sees: an answer within 15 s, JSON, and any error with a code and no internals. */
async function probe(user: SignedInUser, run: (u: SignedInUser) => Promise<{ errors?: GraphQLFormattedError[] }>) {
  const res = await within(run(user), 15_000, 'an API request while a service is down');
  for (const error of res.errors ?? []) {
    expect(error.extensions?.code).toEqual(expect.any(String));
    expect(JSON.stringify(error)).not.toMatch(/\n\s+at |stacktrace|ECONNREFUSED|SELECT |INSERT |UPDATE /);
  }
  return res.errors?.length ? String(error(res.errors)) : 'ok';
}
const error = (errors: GraphQLFormattedError[]) => errors[0].extensions!.code;

it(
  'loses and doubles no email when Redis is killed (-9) and PostgreSQL restarted mid-run; the API answers with codes and recovers',
  async () => {
    const started = Date.now();
    const env = {
      ...own.env,
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: sink.url,
      RECONCILE_EVERY_SECONDS: '1',
      EMAIL_LEASE_SECONDS: '10',
      WORKER_CONCURRENCY: '10',
      // The outreach rows written below count towards the user's daily cap.
      OUTREACH_MAX_PER_USER_PER_DAY: '1000',
    };
    const api = startProcess('main', { ...env, PORT: '0', HOST: '127.0.0.1' });
    processes.push(api);
    const base = `http://127.0.0.1:${(await api.waitForLog('API ready')).port as number}`;
    const user = await signedInUser(base, { timezone: 'UTC' });
    // Requested outreach goes out at once, not in the next sending window.
    await user.ok(UpdateProfileDocument, { input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00' } });
    const contacts = await Promise.all(
      ['during-redis', 'during-pg'].map(async (tag) => {
        const { createContact } = await user.ok(CreateContactDocument, {
          input: { firstName: tag, email: `${tag}@restarts.example.test` },
        });
        return createContact.id;
      }),
    );
    await insertDueOutreach(own.ds, user.user.id, { count: N, tag: 'restart', domain: 'restarts.example.test' });
    // Slow enough that both outages fall in the middle of the sends.
    await sink.setMode('slow', { delayMs: 100 });
    for (let i = 0; i < WORKERS; i++) {
      const worker = startProcess('worker', env);
      processes.push(worker);
      await worker.waitForLog('worker ready');
    }
    const answers: Record<string, Record<string, number>> = { redisDown: {}, postgresDown: {} };
    const note = (phase: string, answer: string) => (answers[phase][answer] = (answers[phase][answer] ?? 0) + 1);

    // Redis dies without saving: every timer and scheduler is gone when it comes back.
    await eventually(() => sink.total >= N / 4 || Promise.reject(new Error(`${sink.total} sent`)), {
      timeoutMs: 30_000,
    });
    await own.command('redis-kill');
    const redisDownAt = Date.now();
    note('redisDown', await probe(user, (u) => u.run(MeDocument)));
    // Planned with Redis down: the row is written, its timer is not; the reconciler must send it.
    note(
      'redisDown',
      await probe(user, (u) => u.run(RequestMeetingDocument, { contactId: contacts[0], message: 'Could we talk?' })),
    );
    const readyWithoutRedis = await fetch(`${base}/readyz`);
    expect(readyWithoutRedis.status).toBe(503);
    await own.command('redis-start');
    const redisDownMs = Date.now() - redisDownAt;

    // PostgreSQL stops (fast shutdown: every session cut) and starts again on the same data.
    const sentBeforePg = sink.total;
    await eventually(() => sink.total >= sentBeforePg + N / 8 || Promise.reject(new Error(`${sink.total} sent`)), {
      timeoutMs: 60_000,
    });
    await own.command('pg-stop');
    const pgDownAt = Date.now();
    note('postgresDown', await probe(user, (u) => u.run(MeDocument)));
    note(
      'postgresDown',
      await probe(user, (u) => u.run(RequestMeetingDocument, { contactId: contacts[1], message: 'Could we talk?' })),
    );
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    // Said as an outage a client may retry, not as a server bug.
    expect(Object.keys(answers.postgresDown).filter((a) => a !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    await own.command('pg-start');
    const pgDownMs = Date.now() - pgDownAt;

    // The API recovers by itself, and the refused request can now be made.
    await eventually(async () => expect(await probe(user, (u) => u.run(MeDocument))).toBe('ok'), {
      timeoutMs: 30_000,
    });
    const afterRestart = await user.run(RequestMeetingDocument, { contactId: contacts[1], message: 'Could we talk?' });
    expect(afterRestart.errors).toBeUndefined();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const rows: { id: string; status: string; message_id: string }[] = await eventually(
      async () => {
        const found: { id: string; status: string; message_id: string }[] = await own.ds.query(
          `SELECT id, status, message_id, kind, send_at FROM scheduled_emails WHERE user_id = $1 AND kind = 'OUTREACH'`,
          [user.user.id],
        );
        const open = found.filter((r) => r.status === 'PENDING' || r.status === 'SENDING');
        if (open.length) throw new Error(`${open.length} of ${found.length} still open: ${JSON.stringify(open)}`);
        return found;
      },
      { timeoutMs: timeoutMs(90_000, 180_000), intervalMs: 250 },
    );
    const sent = rows.filter((r) => r.status === 'SENT');
    const uncertain = rows.filter((r) => r.status === 'UNCERTAIN');
    report('Redis -9 and PostgreSQL restart', {
      emails: rows.length,
      SENT: sent.length,
      UNCERTAIN: uncertain.length,
      received: sink.total,
      redisDownMs,
      pgDownMs,
      answers,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    // N outreach rows, plus the request made with Redis down and the one made after the restart.
    expect(rows).toHaveLength(N + 2);
    expect(sent.length + uncertain.length).toBe(N + 2);
    // Nothing lost, nothing doubled: each of them arrived exactly once.
    expect(sink.duplicates()).toEqual([]);
    for (const row of rows) expect(sink.count(row.message_id)).toBe(1);
    expect(sink.total).toBe(N + 2);
    // The server accepted every one of them and the workers lived: a SENT that could not be
    // written while PostgreSQL was down is written once it is back, never left UNCERTAIN.
    expect(uncertain).toEqual([]);
  },
  timeoutMs(150_000, 300_000),
);
