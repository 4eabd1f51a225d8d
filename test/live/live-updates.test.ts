import { AccessTokens } from '../../src/modules/auth/access-tokens';
import { LIVE_CLOSE } from '../../src/core/live/live-server';
import { MEETING_CHANGED } from '../../src/modules/meetings/meeting-changes';
import { IMPORT_FINISHED } from '../../src/modules/contacts/import/import-finished.resolver';
import { SCHEDULED_EMAIL_CHANGED } from '../../src/modules/emails/email-status-feed';
import {
  CreateContactDocument,
  ImportContactsDocument,
  ImportFinishedDocument,
  MeetingChangedDocument,
  ScheduledEmailChangedDocument,
  ScheduleMeetingDocument,
  SendScheduledEmailNowDocument,
  UpdateMeetingDocument,
  MeetingEmailsDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { eventually } from '../helpers/eventually';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { postRaw } from '../helpers/graphql';
import { liveClient, subscribers, type LiveClient } from '../helpers/live';

let app: TestApp;
const clients: LiveClient[] = [];
beforeAll(async () => {
  app = await startTestApp({ ACCESS_REVOCATION_POLL_MS: '200', LIVE_MAX_CONNECTIONS_PER_USER: '3' });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => app.close());

const open = (token: string | null, params?: Record<string, unknown>) => {
  const client = liveClient(app.url, token, params);
  clients.push(client);
  return client;
};
const listening = (topic: string, user: SignedInUser, count = 1) =>
  subscribers(app.infra.redis, app.config.redis.prefix, topic, user.user.id, count);
const at = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function meetingOf(user: SignedInUser) {
  const { createContact } = await user.ok(CreateContactDocument, { input: { firstName: 'Grace' } });
  const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, {
    input: { contactId: createContact.id, startsAt: at(3), endsAt: at(3.05), allowOverlap: true },
  });
  return { contact: createContact, meeting: scheduleMeeting };
}

describe('connecting', () => {
  it('is refused without a token, with a bad one, and with a revoked session, with code 4401', async () => {
    expect((await open(null).closed).code).toBe(LIVE_CLOSE.UNAUTHORIZED);
    expect((await open('not-a-token').closed).code).toBe(LIVE_CLOSE.UNAUTHORIZED);
    expect((await open(null, { authorization: 'Basic abc' }).closed).code).toBe(LIVE_CLOSE.UNAUTHORIZED);
    const ada = await signedInUser(app.url);
    await app.infra.ds.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1', [ada.user.id]);
    expect((await open(ada.token).closed).code).toBe(LIVE_CLOSE.UNAUTHORIZED);
  });

  it('caps connections per user with code 4429', async () => {
    const ada = await signedInUser(app.url);
    const first = [open(ada.token), open(ada.token), open(ada.token)];
    for (const c of first) c.subscribe(MeetingChangedDocument);
    await listening(MEETING_CHANGED, ada);
    await eventually(() => app.http.liveConnections() >= 3);
    const fourth = open(ada.token);
    expect(await fourth.closed).toEqual({
      code: LIVE_CLOSE.TOO_MANY_CONNECTIONS,
      reason: expect.stringMatching(/at most 3/),
    });
    // Another user is not affected.
    const bob = await signedInUser(app.url);
    const sub = open(bob.token).subscribe(MeetingChangedDocument);
    await listening(MEETING_CHANGED, bob);
    expect(sub.errors).toEqual([]);
  });
});

describe('events', () => {
  it('meetingChanged: tells every device of the user, with the meeting as it is now, and nobody else', async () => {
    const ada = await signedInUser(app.url);
    const bob = await signedInUser(app.url);
    const phone = open(ada.token).subscribe(MeetingChangedDocument);
    const laptop = open(ada.token).subscribe(MeetingChangedDocument);
    const bobs = open(bob.token).subscribe(MeetingChangedDocument);
    await listening(MEETING_CHANGED, ada, 1);
    await listening(MEETING_CHANGED, bob, 1);

    const { meeting, contact } = await meetingOf(ada);
    const first = await phone.event(1);
    expect(first.meetingChanged).toMatchObject({
      meetingId: meeting.id,
      change: 'SCHEDULED',
      meeting: { id: meeting.id, status: 'SCHEDULED', contact: { id: contact.id, firstName: 'Grace' } },
    });
    expect((await laptop.event(1)).meetingChanged.meetingId).toBe(meeting.id);

    // The next event reads the meeting afresh (no loader kept from the first).
    await ada.ok(UpdateMeetingDocument, { id: meeting.id, input: { location: 'Café Nero' } });
    const second = await phone.event(2);
    expect(second.meetingChanged.change).toBe('UPDATED');
    expect(second.meetingChanged.meeting!.startsAt).toBe(meeting.startsAt);

    // Bob hears of his own meetings only.
    const mine = await meetingOf(bob);
    expect((await bobs.event(1)).meetingChanged.meetingId).toBe(mine.meeting.id);
    expect(bobs.events).toHaveLength(1);
    expect(phone.events.map((e) => e.meetingChanged.meetingId)).not.toContain(mine.meeting.id);
  });

  it('scheduledEmailChanged: announces planned emails and a send, batched per user', async () => {
    const ada = await signedInUser(app.url);
    const sub = open(ada.token).subscribe(ScheduledEmailChangedDocument);
    await listening(SCHEDULED_EMAIL_CHANGED, ada);
    const { meeting } = await meetingOf(ada);
    const planned = await sub.event(1);
    const { meeting: withEmails } = await ada.ok(MeetingEmailsDocument, { id: meeting.id });
    const ids = withEmails!.scheduledEmails.map((e) => e.id).sort();
    expect(ids.length).toBeGreaterThan(0);
    // Planned together: one event lists them all.
    expect(planned.scheduledEmailChanged.emails.map((e) => e.id).sort()).toEqual(ids);
    expect(planned.scheduledEmailChanged.emails.every((e) => e.status === 'PENDING')).toBe(true);
    expect(planned.scheduledEmailChanged.truncated).toBe(false);

    await ada.ok(SendScheduledEmailNowDocument, { id: ids[0] });
    const now = await sub.event(2);
    expect(now.scheduledEmailChanged.emails).toEqual([{ id: ids[0], status: 'PENDING' }]);
  });

  it('importFinished: the counts of a committed import; a dry run is not announced', async () => {
    const ada = await signedInUser(app.url);
    const sub = open(ada.token).subscribe(ImportFinishedDocument);
    await listening(IMPORT_FINISHED, ada);
    const content = 'First Name,Last Name,Email\nAda,Lovelace,ada@example.test\n,,\nAlan,Turing,alan@example.test\n';
    await ada.ok(ImportContactsDocument, { input: { format: 'CSV', content, dryRun: true } });
    await ada.ok(ImportContactsDocument, { input: { format: 'CSV', content, dryRun: false } });
    const { importFinished } = await sub.event(1);
    expect(importFinished).toMatchObject({ format: 'CSV', created: 2, updated: 0, skipped: 1, errorCount: 0 });
    expect(sub.events).toHaveLength(1);
  });
});

describe('limits', () => {
  it('serves subscriptions only, under the depth and token limits, and caps them per connection', async () => {
    const ada = await signedInUser(app.url);
    const client = open(ada.token);
    const raw = (q: string) =>
      new Promise<unknown>((resolve) =>
        client.client.subscribe({ query: q }, { next: resolve, error: resolve, complete: () => undefined }),
      );
    expect(await raw('{ me { id } }')).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_REQUEST', reason: 'SUBSCRIPTIONS_ONLY' } }),
    ]);
    // Deeper than GRAPHQL_MAX_DEPTH, through contacts and their organisations.
    let nested = 'id';
    for (let i = 0; i < 8; i++) nested = `organisation { contacts { edges { node { ${nested} } } } }`;
    const deep = `subscription { meetingChanged { meeting { contact { ${nested} } } } }`;
    expect(await raw(deep)).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
    expect(await raw('subscription { nope }')).toEqual([
      expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);

    const max = app.config.live.maxSubscriptionsPerConnection;
    for (let i = 0; i < max; i++) client.subscribe(MeetingChangedDocument);
    await listening(MEETING_CHANGED, ada);
    expect(await raw('subscription { meetingChanged { meetingId } }')).toEqual([
      expect.objectContaining({
        message: `At most ${max} subscriptions per connection`,
        extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_SUBSCRIPTIONS' },
      }),
    ]);
  });

  it('refuses a subscription sent over HTTP, saying where it is served', async () => {
    const ada = await signedInUser(app.url);
    const res = await postRaw(
      app.url,
      { query: 'subscription { meetingChanged { meetingId } }' },
      { token: ada.token },
    );
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_REQUEST', reason: 'USE_WEBSOCKET' } }),
    ]);
  });

  it('closes a connection whose message is too large (1009)', async () => {
    const ada = await signedInUser(app.url);
    const client = open(ada.token);
    client.subscribe(MeetingChangedDocument);
    await listening(MEETING_CHANGED, ada);
    client.client.subscribe(
      { query: `subscription { meetingChanged { meetingId } } # ${'x'.repeat(app.config.live.maxMessageBytes)}` },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    expect((await client.closed).code).toBe(1009);
  });
});

describe('access ending', () => {
  it('closes the socket with 4419 when the access token expires', async () => {
    const ada = await signedInUser(app.url);
    // The API's own signing key, a token of two seconds.
    const shortLived = new AccessTokens({ ...app.config.auth, accessTokenTtlSeconds: 2 }).sign({
      id: ada.user.id,
      role: 'USER' as never,
    });
    const client = open(shortLived.token);
    client.subscribe(MeetingChangedDocument);
    await listening(MEETING_CHANGED, ada);
    expect(await client.closed).toEqual({ code: LIVE_CLOSE.TOKEN_EXPIRED, reason: 'Token expired' });
  });

  it('closes the socket with 4403 when the session is signed out, the account suspended or deleted', async () => {
    const { services } = app.http;
    const signedOut = await signedInUser(app.url);
    const suspended = await signedInUser(app.url);
    const deleted = await signedInUser(app.url);
    const bystander = await signedInUser(app.url);
    const socket = (u: SignedInUser) => {
      const c = open(u.token);
      c.subscribe(MeetingChangedDocument);
      return c;
    };
    const sockets = [signedOut, suspended, deleted, bystander].map(socket);
    for (const u of [signedOut, suspended, deleted, bystander]) await listening(MEETING_CHANGED, u);

    const [session] = await services.sessions.list({ id: signedOut.user.id, role: 'USER' as never });
    await services.sessions.revoke({ id: signedOut.user.id, role: 'USER' as never }, session.id);
    const admin = { user: { id: bystander.user.id, role: 'ADMIN' as never }, ip: null };
    await services.adminUsers.suspend(admin, suspended.user.id, 'testing live updates');
    await services.accountDeletion.deleteAccount(
      { id: deleted.user.id, role: 'USER' as never },
      deleted.input.password,
      { ip: '127.0.0.1', userAgent: 'test' },
    );
    for (const c of sockets.slice(0, 3))
      expect(await c.closed).toEqual({ code: LIVE_CLOSE.FORBIDDEN, reason: 'Forbidden' });
    expect(sockets[3].closes).toEqual([]);
  });
});

describe('metrics', () => {
  it('counts open subscriptions and connections', async () => {
    const ada = await signedInUser(app.url);
    const client = open(ada.token);
    const sub = client.subscribe(MeetingChangedDocument);
    await listening(MEETING_CHANGED, ada);
    const gauge = async (name: string) => {
      const text = await app.infra.metrics.registry.metrics();
      return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1]);
    };
    expect(await gauge('rapport_live_subscriptions')).toBeGreaterThanOrEqual(1);
    expect(await gauge('rapport_live_connections')).toBeGreaterThanOrEqual(1);
    sub.unsubscribe();
    await eventually(async () => (await gauge('rapport_live_subscriptions')) === 0);
    // Unsubscribing leaves the Redis channel too.
    const channel = `${app.config.redis.prefix}:live:${MEETING_CHANGED}:${ada.user.id}`;
    await eventually(async () => ((await app.infra.redis.pubsub('NUMSUB', channel)) as [string, number])[1] == 0);
  });
});
