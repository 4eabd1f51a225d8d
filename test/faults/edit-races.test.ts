import { startTestApp, type TestApp } from '../helpers/app';
import { startEmailWorker, type EmailWorker } from '../helpers/email-worker';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import {
  CancelMeetingDocument,
  CreateContactDocument,
  RescheduleMeetingDocument,
  ScheduleMeetingDocument,
  UpdateProfileDocument,
} from '../generated/graphql';
import { report, SCALE, timeoutMs } from './fault-scale';

// A cancel, a reschedule or a settings change lands around the moment each thank-you is claimed,
// SCALE.races times: the email goes out once or not at all, never after a cancel that won.
let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
beforeAll(async () => {
  // Every settings race registers a user of its own, all from loopback.
  app = await startTestApp({ REGISTRATIONS_PER_IP_PER_HOUR: '10000' });
  sink = await startSmtpSink({ parse: false });
  worker = await startEmailWorker(app, sink.url);
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

const ACTIONS = ['cancel', 'reschedule', 'settings'] as const;
type Action = (typeof ACTIONS)[number];
const DUE_IN_MS = 1000;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A user whose thank-yous are due the moment a meeting ends, at any hour. */
async function thankingUser(): Promise<SignedInUser> {
  const user = await signedInUser(app.url, { timezone: 'UTC' });
  await user.ok(UpdateProfileDocument, {
    input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00', thankYouDelayMinutes: 0 },
  });
  return user;
}

/** A meeting that ends in DUE_IN_MS, so its thank-you falls due then. */
async function endingMeeting(user: SignedInUser, i: number) {
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName: `Race ${i}`, email: `race.${i}@races.example.test` },
  });
  const endsAt = inMs(DUE_IN_MS);
  const startsAt = new Date(Date.parse(endsAt) - 1800_000).toISOString();
  const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId: createContact.id, startsAt, endsAt, allowOverlap: true },
  });
  return { id: scheduleMeeting.id, endsAt: Date.parse(endsAt) };
}

interface Race {
  action: Action;
  meetingId: string;
}

it(
  'sends no thank-you after a cancel committed before its claim, and none twice, while cancels, reschedules and settings changes race the sends',
  async () => {
    const started = Date.now();
    const shared = await thankingUser();
    const races: Race[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: SCALE.raceLanes }, async () => {
        while (next < SCALE.races) {
          const i = next++;
          const action = ACTIONS[i % ACTIONS.length];
          // A settings change moves every pending thank-you of its user: each gets a user of its own.
          const user = action === 'settings' ? await thankingUser() : shared;
          const meeting = await endingMeeting(user, i);
          races.push({ action, meetingId: meeting.id });
          // Spread across the claim, allowing for the request's own time (long on a loaded
          // machine): sent from 800 ms before the due time to 150 ms after.
          const at = meeting.endsAt - 800 + ((i * 37) % 950);
          await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
          if (action === 'cancel') await user.ok(CancelMeetingDocument, { id: meeting.id });
          if (action === 'reschedule') {
            // An hour later: the thank-you moves with the end, unless it is already out.
            const endsAt = new Date(meeting.endsAt + 3600_000);
            const startsAt = new Date(endsAt.getTime() - 1800_000);
            await user.ok(RescheduleMeetingDocument, {
              id: meeting.id,
              startsAt: startsAt.toISOString(),
              endsAt: endsAt.toISOString(),
              allowOverlap: true,
            });
          }
          if (action === 'settings') await user.ok(UpdateProfileDocument, { input: { thankYouDelayMinutes: 60 } });
        }
      }),
    );

    const ids = races.map((r) => r.meetingId);
    const rows: { meeting_id: string; status: string; message_id: string; send_at: Date }[] = await eventually(
      async () => {
        await worker.reconciler.sweep();
        const found: { meeting_id: string; status: string; message_id: string; send_at: Date }[] =
          await app.infra.ds.query(
            `SELECT meeting_id, status, message_id, send_at FROM scheduled_emails
             WHERE meeting_id = ANY($1::uuid[]) AND kind = 'THANK_YOU'`,
            [ids],
          );
        // Open means due and not finished; a thank-you moved an hour on is settled.
        const open = found.filter(
          (r) => r.status === 'SENDING' || (r.status === 'PENDING' && r.send_at.getTime() < Date.now() + 600_000),
        );
        if (open.length) throw new Error(`${open.length} thank-yous still open`);
        const counts = await app.http.services.emailQueue.getJobCounts('active', 'waiting', 'prioritized');
        if (counts.active + counts.waiting + counts.prioritized) throw new Error('timers still running');
        return found;
      },
      { timeoutMs: timeoutMs(60_000, 180_000) },
    );

    const byMeeting = new Map(rows.map((r) => [r.meeting_id, r]));
    const outcomes: Record<string, number> = {};
    for (const race of races) {
      const row = byMeeting.get(race.meetingId)!;
      const key = `${race.action}:${row.status}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      // What won decides: the edit (cancelled, or moved an hour on, and nothing arrived) or the
      // send (SENT, untouched by the edit, and exactly one copy arrived).
      const won = race.action === 'cancel' ? 'CANCELLED' : 'PENDING';
      expect([won, 'SENT']).toContain(row.status);
      expect(sink.count(row.message_id)).toBe(row.status === 'SENT' ? 1 : 0);
    }
    // Mail other than these thank-yous (to the users themselves), by kind, for the report.
    const others: { kind: string; status: string; n: number }[] = await app.infra.ds.query(
      `SELECT kind || CASE WHEN m.starts_at > s.send_at THEN '' ELSE ' after the start' END AS kind, s.status,
              count(*)::int AS n
       FROM scheduled_emails s JOIN meetings m ON m.id = s.meeting_id
       WHERE s.meeting_id = ANY($1::uuid[]) AND s.kind <> 'THANK_YOU' GROUP BY 1, 2`,
      [ids],
    );
    report('edit races', {
      otherMail: others.map((o) => `${o.kind}:${o.status}:${o.n}`),
      races: races.length,
      outcomes,
      received: sink.total,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(rows).toHaveLength(SCALE.races);
    expect(sink.duplicates()).toEqual([]);
    // The edits really raced the claims: each kind of edit won some, and the sends won some.
    const thankYous = rows.map((r) => r.message_id);
    expect(sink.countOf(thankYous)).toBeGreaterThan(0);
    for (const action of ACTIONS) {
      const edits = races.filter((r) => r.action === action).length;
      expect(outcomes[`${action}:SENT`] ?? 0).toBeLessThan(edits);
    }
    expect(sink.countOf(thankYous)).toBe(rows.filter((r) => r.status === 'SENT').length);
  },
  timeoutMs(120_000, 600_000),
);
