import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { insertDueOutreach, signedInUser } from '../helpers/factories';
import { startProcess, within } from '../helpers/processes';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { report, SCALE, timeoutMs } from './fault-scale';

// Every kind of SMTP trouble at once, one batch of outreach, the sink answering each recipient
// as its address says (mode 'by-recipient'): slow replies, 421 and 451 once, and the two kinds of
// permanent refusal. Each behaviour's emails must end exactly as a careful sender would.
const E = SCALE.smtpEach;
const EXPECTED = {
  // behaviour: [status, attempts, copies received, suppressed]
  ok: ['SENT', 1, 1, false],
  slow: ['SENT', 1, 1, false],
  // A 421 closes the connection: nodemailer's pool sends the message again over another one by
  // itself when none of it had gone out (one attempt of ours), else our retry does (two).
  busy: ['SENT', 'one or two', 1, false],
  later: ['SENT', 2, 1, false],
  'later.data': ['SENT', 2, 1, false],
  gone: ['FAILED', 1, 0, true],
  policy: ['FAILED', 1, 0, false],
  big: ['FAILED', 1, 0, false],
} as const;
type Behaviour = keyof typeof EXPECTED;
const BEHAVIOURS = Object.keys(EXPECTED) as Behaviour[];

let app: TestApp;
let sink: SmtpSink;
beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink({ parse: false });
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

interface Row {
  id: string;
  to_email: string;
  message_id: string;
  status: string;
  attempts: number;
  suppressed: boolean;
  retries: number;
}

it(
  'retries 421 and 4xx, waits for a slow server without UNCERTAIN, and suppresses only a dead mailbox',
  async () => {
    const started = Date.now();
    const user = await signedInUser(app.url);
    for (const behaviour of BEHAVIOURS) {
      await insertDueOutreach(app.infra.ds, user.user.id, {
        count: E,
        tag: `${behaviour}-`,
        domain: 'smtp.example.test',
        dueSecondsAgo: 10,
      });
    }
    await sink.setMode('by-recipient', { delayMs: SCALE.slowReplyMs });
    // Fifty jobs for ten SMTP slots and leases of ten seconds: most sends wait far longer than a
    // lease for a connection, and the reconciler runs every second.
    const worker = startProcess('worker', {
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: sink.url,
      WORKER_CONCURRENCY: '50',
      EMAIL_LEASE_SECONDS: '10',
      RECONCILE_EVERY_SECONDS: '1',
      EMAIL_RETRY_BASE_SECONDS: '1',
    });
    let rows: Row[];
    try {
      await worker.waitForLog('worker ready');
      rows = await eventually(
        async () => {
          const found: Row[] = await app.infra.ds.query(
            `SELECT s.id, s.to_email, s.message_id, s.status, s.attempts,
                    EXISTS (SELECT 1 FROM email_suppressions x WHERE x.email = lower(s.to_email)) AS suppressed,
                    (SELECT count(*)::int FROM email_events e
                     WHERE e.scheduled_email_id = s.id AND e.event = 'RETRY_SCHEDULED') AS retries
             FROM scheduled_emails s WHERE s.user_id = $1`,
            [user.user.id],
          );
          const open = found.filter((r) => r.status === 'PENDING' || r.status === 'SENDING');
          if (open.length) throw new Error(`${open.length} still open`);
          return found;
        },
        { timeoutMs: timeoutMs(60_000, 400_000), intervalMs: 250 },
      );
    } finally {
      worker.child.kill('SIGTERM');
      await within(worker.exited, 60_000, 'worker shutdown');
    }

    const behaviourOf = (row: Row) => row.to_email.split('-')[0] as Behaviour;
    const byStatus: Record<string, number> = {};
    for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    report('SMTP replies', {
      emails: rows.length,
      perBehaviour: E,
      slowReplyMs: SCALE.slowReplyMs,
      ...byStatus,
      retries: rows.reduce((n, r) => n + r.retries, 0),
      suppressed: rows.filter((r) => r.suppressed).length,
      received: sink.total,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(rows).toHaveLength(E * BEHAVIOURS.length);
    for (const row of rows) {
      const [status, expected, copies, suppressed] = EXPECTED[behaviourOf(row)];
      const attempts = expected === 'one or two' ? Math.min(2, Math.max(1, row.attempts)) : expected;
      expect({ to: row.to_email, status: row.status, attempts: row.attempts, suppressed: row.suppressed }).toEqual({
        to: row.to_email,
        status,
        attempts,
        suppressed,
      });
      expect(row.retries).toBe(attempts - 1);
      expect(sink.count(row.message_id)).toBe(copies);
      // Each once-only refusal was given exactly once, and every permanent one exactly once.
      if (behaviourOf(row) !== 'ok' && behaviourOf(row) !== 'slow') expect(sink.refusals(row.to_email)).toBe(1);
    }
    expect(byStatus.UNCERTAIN).toBeUndefined();
    expect(sink.duplicates()).toEqual([]);
    expect(sink.total).toBe(E * 5);
  },
  timeoutMs(90_000, 480_000),
);
