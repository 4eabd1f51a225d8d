import type { QueryRunner } from 'typeorm';
import { sendJobId } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CancelMeetingDocument,
  CancelScheduledEmailDocument,
  CreateContactDocument,
  RescheduleMeetingDocument,
  ScheduleMeetingDocument,
  UpdateMeetingDocument,
  UpdateProfileDocument,
} from '../generated/graphql';

// An edit that reads a meeting's emails while a worker is claiming one of them must not undo
// the claim. Each race is made deterministic: the "worker" is a transaction of the test's own,
// which moves the row and holds it until the edit has read the row and is waiting on it.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

interface Row {
  id: string;
  status: string;
  send_at: Date;
  cancel_reason: string | null;
  dedupe_key: string;
}

async function futureMeeting(user: SignedInUser, tag: string) {
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName: tag, email: `${tag.toLowerCase()}@races.example.test` },
  });
  const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, {
    input: {
      contactId: createContact.id,
      startsAt: '2027-09-01T10:00:00.000Z',
      endsAt: '2027-09-01T11:00:00.000Z',
      allowOverlap: true,
    },
  });
  return scheduleMeeting;
}

const rowsOf = (meetingId: string, kind: string): Promise<Row[]> =>
  app.infra.ds.query(
    `SELECT id, status, send_at, cancel_reason, dedupe_key FROM scheduled_emails WHERE meeting_id = $1 AND kind = $2 ORDER BY created_at`,
    [meetingId, kind],
  );

/**
 * Plays the worker: in a transaction of its own, moves the row on (to SENDING as a claim does,
 * or on to SENT) and keeps it locked until `edit` has read the row and waits for the lock, then
 * commits. Returns what `edit` answered.
 */
async function raceWorker<T>(rowId: string, to: 'SENDING' | 'SENT', edit: () => Promise<T>): Promise<T> {
  const worker: QueryRunner = app.infra.ds.createQueryRunner();
  await worker.connect();
  try {
    await worker.startTransaction();
    const [{ pid }]: { pid: number }[] = await worker.query('SELECT pg_backend_pid() AS pid');
    await worker.query(
      `UPDATE scheduled_emails SET status = $2::email_status, attempts = attempts + 1, lease_owner = 'race-test',
         lease_expires_at = now() + interval '5 minutes', sent_at = CASE WHEN $2 = 'SENT' THEN now() END
       WHERE id = $1 AND status = 'PENDING'`,
      [rowId, to],
    );
    const answer = edit();
    // The edit's transaction has read the row as PENDING and now waits for ours.
    await eventually(async () => {
      const [{ n }]: { n: number }[] = await app.infra.ds.query(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
        [pid],
      );
      if (n === 0) throw new Error('the edit is not waiting for the worker yet');
    });
    await worker.commitTransaction();
    return await answer;
  } finally {
    if (worker.isTransactionActive) await worker.rollbackTransaction();
    await worker.release();
  }
}

async function expectUntouched(before: Row, status: 'SENDING' | 'SENT', meetingId: string) {
  const rows = await rowsOf(meetingId, 'THANK_YOU');
  // One row for the key, still where the worker left it, at its original time.
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id: before.id, status, dedupe_key: before.dedupe_key, cancel_reason: null });
  expect(rows[0].send_at.toISOString()).toBe(before.send_at.toISOString());
  const [{ n }]: { n: number }[] = await app.infra.ds.query(
    `SELECT count(*)::int AS n FROM email_events WHERE scheduled_email_id = $1 AND event IN ('MOVED', 'REPLANNED', 'CANCELLED')`,
    [before.id],
  );
  expect(n).toBe(0);
}

describe('an edit racing a claim', () => {
  it('leaves a thank-you the worker claimed meanwhile SENDING at its time when the meeting is edited', async () => {
    const user = await signedInUser(app.url, { timezone: 'UTC' });
    const meeting = await futureMeeting(user, 'Edited');
    const [before] = await rowsOf(meeting.id, 'THANK_YOU');
    await raceWorker(before.id, 'SENDING', () =>
      user.ok(UpdateMeetingDocument, { id: meeting.id, input: { notes: 'more notes' } }),
    );
    await expectUntouched(before, 'SENDING', meeting.id);
  });

  it('does not move or re-plan a thank-you claimed meanwhile when the meeting is rescheduled, nor time it anew', async () => {
    const user = await signedInUser(app.url, { timezone: 'UTC' });
    const meeting = await futureMeeting(user, 'Moved');
    const [before] = await rowsOf(meeting.id, 'THANK_YOU');
    await raceWorker(before.id, 'SENDING', () =>
      user.ok(RescheduleMeetingDocument, {
        id: meeting.id,
        startsAt: '2027-09-08T10:00:00.000Z',
        endsAt: '2027-09-08T11:00:00.000Z',
      }),
    );
    await expectUntouched(before, 'SENDING', meeting.id);
    // No timer for the time it would have moved to.
    const queue = app.http.services.emailQueue;
    expect(await queue.getJob(sendJobId(before.id, new Date('2027-09-08T13:00:00.000Z')))).toBeUndefined();
    // The follow-up, still PENDING, moved as usual.
    const [followUp] = await rowsOf(meeting.id, 'FOLLOW_UP');
    expect(followUp.status).toBe('PENDING');
    expect(followUp.send_at.toISOString()).toBe('2027-09-22T11:00:00.000Z');
  });

  it('leaves a thank-you that went out meanwhile SENT when a settings change re-plans it', async () => {
    const user = await signedInUser(app.url, { timezone: 'UTC' });
    const meeting = await futureMeeting(user, 'Settings');
    const [before] = await rowsOf(meeting.id, 'THANK_YOU');
    await raceWorker(before.id, 'SENT', () => user.ok(UpdateProfileDocument, { input: { thankYouDelayMinutes: 45 } }));
    await expectUntouched(before, 'SENT', meeting.id);
  });

  it('never turns a thank-you that went out meanwhile into CANCELLED when the meeting is cancelled', async () => {
    const user = await signedInUser(app.url, { timezone: 'UTC' });
    const meeting = await futureMeeting(user, 'Cancelled');
    const [before] = await rowsOf(meeting.id, 'THANK_YOU');
    const { cancelMeeting } = await raceWorker(before.id, 'SENT', () =>
      user.ok(CancelMeetingDocument, { id: meeting.id }),
    );
    // The meeting is cancelled all the same; the email that already left stays on record as sent.
    expect(cancelMeeting.status).toBe('CANCELLED');
    await expectUntouched(before, 'SENT', meeting.id);
    const [followUp] = await rowsOf(meeting.id, 'FOLLOW_UP');
    expect(followUp).toMatchObject({ status: 'CANCELLED', cancel_reason: 'MEETING_CANCELLED' });
  });

  it('answers CONFLICT, naming the status, when the user cancels an email the worker is sending', async () => {
    const user = await signedInUser(app.url, { timezone: 'UTC' });
    const meeting = await futureMeeting(user, 'Refused');
    const [before] = await rowsOf(meeting.id, 'THANK_YOU');
    const response = await raceWorker(before.id, 'SENDING', () =>
      user.run(CancelScheduledEmailDocument, { id: before.id }),
    );
    expect(errorOf(response).message).toMatch(/being sent right now/);
    expect(errorOf(response).extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_STATUS',
      status: 'SENDING',
    });
    await expectUntouched(before, 'SENDING', meeting.id);
  });
});
