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
  UpdateMeetingDocument,
  UpdateProfileDocument,
} from '../generated/graphql';

// A real worker sends thank-yous while the user keeps editing, moving or cancelling the
// meetings they belong to: no message may go out twice, and none after a cancel that won.
let app: TestApp;
let sink: SmtpSink;
let worker: EmailWorker;
let user: SignedInUser;
beforeAll(async () => {
  app = await startTestApp();
  sink = await startSmtpSink();
  worker = await startEmailWorker(app, sink.url);
  user = await signedInUser(app.url, { timezone: 'UTC' });
  // Thank-yous due the moment their meeting ends.
  await user.ok(UpdateProfileDocument, {
    input: { sendingWindowStart: '00:00', sendingWindowEnd: '24:00', thankYouDelayMinutes: 0 },
  });
});
afterAll(async () => {
  await worker.close();
  await sink.close();
  await app.close();
});

const MEETINGS = 60;
const LANES = 6;
const agoSeconds = (s: number) => new Date(Date.now() - s * 1000).toISOString();
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
// Long enough for the test to be editing when the thank-you falls due.
const DUE_IN_MS = 400;

/** A meeting that ends at `endsAt` (soon), whose thank-you falls due then. */
async function endedMeeting(tag: string, i: number, endsAt: string) {
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName: `${tag} ${i}`, email: `${tag}.${i}@edits.example.test` },
  });
  const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId: createContact.id, startsAt: agoSeconds(1800), endsAt, allowOverlap: true },
  });
  return scheduleMeeting;
}

interface ThankYou {
  id: string;
  status: string;
  message_id: string;
}

const thankYous = (meetingIds: string[]): Promise<ThankYou[]> =>
  app.infra.ds.query(
    `SELECT id, status, message_id FROM scheduled_emails WHERE meeting_id = ANY($1::uuid[]) AND kind = 'THANK_YOU'`,
    [meetingIds],
  );

/**
 * Waits until no row of these meetings is PENDING or SENDING and the queue has nothing left to
 * run, sweeping as the periodic reconciler would (a row put back to PENDING behind a worker's
 * back has no timer any more; the sweep gives it one, and then it would go out again).
 */
async function settled(meetingIds: string[]): Promise<ThankYou[]> {
  return eventually(
    async () => {
      await worker.reconciler.sweep();
      const rows = await thankYous(meetingIds);
      const open = rows.filter((r) => r.status === 'PENDING' || r.status === 'SENDING');
      if (open.length) throw new Error(`${open.length} thank-yous still open`);
      const counts = await app.http.services.emailQueue.getJobCounts('active', 'waiting', 'prioritized');
      if (counts.active + counts.waiting + counts.prioritized) throw new Error('timers still running');
      return rows;
    },
    { timeoutMs: 60_000 },
  );
}

const copiesOf = (messageId: string) => sink.messages.filter((m) => m.parsed.messageId === messageId).length;
const statusOf = async (meetingId: string) => (await thankYous([meetingId]))[0].status;

/** Runs `lane` for meetings 0‥MEETINGS-1, LANES at a time, so edits overlap the worker's claims. */
async function inLanes(lane: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (next < MEETINGS) await lane(next++);
    }),
  );
}

it('sends each thank-you exactly once while its meeting keeps being edited and moved during the send', async () => {
  const ids: string[] = [];
  let edits = 0;
  await inLanes(async (i) => {
    const endsAt = inMs(DUE_IN_MS);
    const meeting = await endedMeeting('edited', i, endsAt);
    ids.push(meeting.id);
    // Edits back to back until the worker has sent the thank-you: one of them races its claim.
    for (let n = 0; n < 500 && (await statusOf(meeting.id)) !== 'SENT'; n++) {
      edits++;
      if (n % 3 === 2) {
        // Moved, not to another end: the thank-you keeps its time, its row is rewritten all the same.
        const startsAt = new Date(new Date(endsAt).getTime() - 1800_000 - n * 60_000).toISOString();
        await user.ok(RescheduleMeetingDocument, { id: meeting.id, startsAt, endsAt, allowOverlap: true });
      } else {
        await user.ok(UpdateMeetingDocument, { id: meeting.id, input: { notes: `edit ${i}.${n}` } });
      }
    }
  });
  expect(edits).toBeGreaterThanOrEqual(MEETINGS);
  const rows = await settled(ids);
  expect(rows).toHaveLength(MEETINGS);
  for (const row of rows) {
    expect(row.status).toBe('SENT');
    expect(copiesOf(row.message_id)).toBe(1);
  }
});

it('sends no thank-you after a cancel that committed before its claim, and none twice', async () => {
  const ids: string[] = [];
  await inLanes(async (i) => {
    const endsAt = inMs(DUE_IN_MS);
    const meeting = await endedMeeting('cancelled', i, endsAt);
    ids.push(meeting.id);
    // Edits until about when the thank-you falls due, then the cancel, spread around its claim.
    const cancelAt = new Date(endsAt).getTime() + ((i * 7) % 60) - 20;
    for (let n = 0; Date.now() < cancelAt; n++) {
      await user.ok(UpdateMeetingDocument, { id: meeting.id, input: { notes: `edit ${i}.${n}` } });
    }
    await user.ok(CancelMeetingDocument, { id: meeting.id });
  });
  const rows = await settled(ids);
  expect(rows).toHaveLength(MEETINGS);
  for (const row of rows) {
    // CANCELLED means the cancel found it PENDING, before any claim: then nothing may arrive.
    expect(['CANCELLED', 'SENT']).toContain(row.status);
    expect(copiesOf(row.message_id)).toBe(row.status === 'SENT' ? 1 : 0);
  }
});
