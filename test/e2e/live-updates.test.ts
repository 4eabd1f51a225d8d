import { LIVE_CLOSE } from '../../src/core/live/live-server';
import { SCHEDULED_EMAIL_CHANGED } from '../../src/modules/emails/email-status-feed';
import { MEETING_CHANGED } from '../../src/modules/meetings/meeting-changes';
import {
  CreateContactDocument,
  MeetingChangedDocument,
  MeetingEmailsDocument,
  ScheduledEmailChangedDocument,
  ScheduleMeetingDocument,
  SendScheduledEmailNowDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { signedInUser } from '../helpers/factories';
import { liveClient, subscribers, type LiveClient } from '../helpers/live';
import { startProcess, within, type RunningProcess } from '../helpers/processes';

// Two API processes and a worker, on one database and one Redis: what a deployment with
// replicas behind a load balancer looks like to a client whose socket lands on either.
let app: TestApp;
const processes: RunningProcess[] = [];
const clients: LiveClient[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => within(p.exited, 15_000, 'process exit')));
  await app.close();
});

async function api(): Promise<{ url: string; process: RunningProcess }> {
  const process = startProcess('main', { PORT: '0', HOST: '127.0.0.1' });
  processes.push(process);
  const ready = await process.waitForLog('API ready');
  return { url: `http://127.0.0.1:${ready.port as number}`, process };
}

const at = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('live updates across processes', () => {
  it('a mutation on API A and a send by the worker reach a subscriber on API B; B closes its sockets on SIGTERM', async () => {
    const [a, b] = await Promise.all([api(), api()]);
    const worker = startProcess('worker');
    processes.push(worker);
    await worker.waitForLog('worker ready');

    const ada = await signedInUser(a.url);
    const client = liveClient(b.url, ada.token);
    clients.push(client);
    const meetings = client.subscribe(MeetingChangedDocument);
    const emails = client.subscribe(ScheduledEmailChangedDocument);
    const { redis } = app.infra;
    await subscribers(redis, app.config.redis.prefix, MEETING_CHANGED, ada.user.id);
    await subscribers(redis, app.config.redis.prefix, SCHEDULED_EMAIL_CHANGED, ada.user.id);

    const { createContact } = await ada.ok(CreateContactDocument, { input: { firstName: 'Grace' } });
    const { scheduleMeeting } = await ada.ok(ScheduleMeetingDocument, {
      input: { contactId: createContact.id, startsAt: at(2), endsAt: at(2.05), allowOverlap: true },
    });
    const changed = (await meetings.event(1)).meetingChanged;
    expect(changed).toMatchObject({ meetingId: scheduleMeeting.id, change: 'SCHEDULED' });
    // Read by API B, as the meeting is there.
    expect(changed.meeting).toMatchObject({ id: scheduleMeeting.id, status: 'SCHEDULED' });

    // The prep reminder, sent now: the API announces it due, the worker that it went.
    const { meeting } = await ada.ok(MeetingEmailsDocument, { id: scheduleMeeting.id });
    const reminder = meeting!.scheduledEmails.find((e) => e.kind === 'PREP_REMINDER')!;
    await ada.ok(SendScheduledEmailNowDocument, { id: reminder.id });
    await emails.event(1);
    const sent = async () => {
      const all = emails.events.flatMap((e) => e.scheduledEmailChanged.emails);
      return all.some((e) => e.id === reminder.id && e.status === 'SENT');
    };
    await eventually(sent, { timeoutMs: 20_000, what: 'the worker announcing SENT' });

    // Graceful shutdown: the socket is told to go away (reconnect elsewhere), and B exits.
    b.process.child.kill('SIGTERM');
    expect((await client.closed).code).toBe(LIVE_CLOSE.GOING_AWAY);
    expect((await within(b.process.exited, 10_000, 'API B shutdown')).code).toBe(0);
  });
});
