import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
import { createHttpApp } from '../../src/app/http-app';
import { openAppInfrastructure } from '../../src/app/infrastructure';
import { loadConfig } from '../../src/core/config';
import { buildIcs, icsUid } from '../../src/modules/emails/rendering/calendar-invite';
import { calendarFeedToken, calendarFeedUrl } from '../../src/modules/exports/calendar-feed-token';
import {
  CalendarFeedUrlDocument,
  CreateContactDocument,
  ResetCalendarFeedDocument,
  RescheduleMeetingDocument,
  ScheduleMeetingDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { baseTestEnv } from '../helpers/test-env';
import { exportLinks, richAccount } from './export-fixtures';

let app: TestApp;
let ada: SignedInUser;
let bob: SignedInUser;
let adas: Awaited<ReturnType<typeof richAccount>>;
let bobs: Awaited<ReturnType<typeof richAccount>>;
beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL: 'https://rapport.example.test' });
  ada = await signedInUser(app.url, { name: 'Ada Lovelace' });
  bob = await signedInUser(app.url, { name: 'Bob Kahn' });
  adas = await richAccount(ada);
  bobs = await richAccount(bob);
});
afterAll(() => app.close());

const local = (url: string, base = app.url) => url.replace('https://rapport.example.test', base);
async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
/** Content lines with folding undone (RFC 5545 §3.1, RFC 6350 §3.2). */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '').split('\r\n');
const vevents = (ics: string) => ics.split('BEGIN:VEVENT').slice(1);
const prop = (block: string, name: string) =>
  unfold(block)
    .find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`))
    ?.replace(/^[^:]*:/, '');
const utc = (d: Date | string) =>
  new Date(d)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const feedOf = async (user: SignedInUser) => (await user.ok(CalendarFeedUrlDocument)).calendarFeedUrl;

describe('contacts as vCard', () => {
  it('downloads every contact as a standard vCard 4.0 (name, email, org, title, LinkedIn URL, note)', async () => {
    const res = await get(local((await exportLinks(ada)).vcardUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/vcard; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/filename="rapport-contacts-[\d-]+\.vcf"/);
    const cards = res.text.split('BEGIN:VCARD').slice(1);
    expect(cards).toHaveLength(1);
    const lines = unfold(`BEGIN:VCARD${cards[0]}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'VERSION:4.0',
        `UID:urn:uuid:${adas.contact.id}`,
        "FN:Zoë O'Brien\\, Jr",
        "N:O'Brien\\, Jr;Zoë;;;",
        `EMAIL;TYPE=work:${adas.contact.email}`,
        `ORG:${adas.org.name.replace(/[;,]/g, (c) => `\\${c}`)}`,
        'TITLE:Head of Platform\\; EMEA',
        `URL;TYPE=work:${adas.contact.linkedinUrl}`,
        'NOTE:Met at a meetup.\\nLikes long walks\\; \\\\ backslashes\\, and commas.',
      ]),
    );
    for (const line of res.text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(res.text).not.toContain(bobs.contact.email!);
  });
});

describe('meetings as .ics', () => {
  it('downloads every meeting with the invitation’s UID and SEQUENCE, in UTC, cancelled ones marked', async () => {
    const res = await get(local((await exportLinks(ada)).icsUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(res.text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const events = vevents(res.text);
    expect(events).toHaveLength(2);
    const byUid = new Map(events.map((e) => [prop(e, 'UID'), e]));

    // The same UID the emailed invitation carries (it is rendered with PUBLIC_URL's host).
    const [{ sequence }] = await app.infra.ds.query('SELECT ics_sequence AS sequence FROM meetings WHERE id = $1', [
      adas.cancelled.id,
    ]);
    expect(sequence).toBeGreaterThan(0); // the cancel bumped it
    const invite = buildIcs({
      meeting: {
        ...adas.cancelled,
        startsAt: new Date(adas.cancelled.startsAt),
        endsAt: new Date(adas.cancelled.endsAt),
        icsSequence: sequence,
      },
      organizer: { name: 'Ada', email: ada.user.email },
      method: 'CANCEL',
      domain: 'rapport.example.test',
    });
    const cancelled = byUid.get(prop(invite, 'UID'))!;
    expect(prop(invite, 'UID')).toBe(icsUid(adas.cancelled.id, 'rapport.example.test'));
    expect(prop(cancelled, 'STATUS')).toBe('CANCELLED');
    expect(prop(cancelled, 'SEQUENCE')).toBe(prop(invite, 'SEQUENCE'));
    expect(prop(cancelled, 'DTSTART')).toBe(utc(adas.cancelled.startsAt));

    const held = byUid.get(icsUid(adas.held.id, 'rapport.example.test'))!;
    expect(prop(held, 'STATUS')).toBe('CONFIRMED');
    expect(prop(held, 'DTSTART')).toMatch(/^\d{8}T070000Z$/); // planned 07:00 UTC (08:00 or 09:00 in Paris)
    expect(prop(held, 'DESCRIPTION')).toContain('How did you get into platform work?');
    expect(res.text).not.toContain(bobs.held.id);
  });
});

describe('calendar feed', () => {
  it('serves the user’s meetings at a secret URL, with an ETag and private caching', async () => {
    const url = await feedOf(ada);
    expect(url).toMatch(/^https:\/\/rapport\.example\.test\/calendar\/[0-9a-f-]{36}\.\d+\.[A-Za-z0-9_-]{22}\.ics$/);
    expect(await feedOf(ada)).toBe(url); // stable until reset
    const res = await get(local(url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('private, max-age=900');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const uids = vevents(res.text).map((e) => prop(e, 'UID'));
    expect(uids.sort()).toEqual(
      [icsUid(adas.held.id, 'rapport.example.test'), icsUid(adas.cancelled.id, 'rapport.example.test')].sort(),
    );
    const cancelled = vevents(res.text).find((e) => prop(e, 'UID')!.startsWith(adas.cancelled.id))!;
    expect(prop(cancelled, 'STATUS')).toBe('CANCELLED');
    expect(res.text).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT15M');
    expect(res.text).not.toContain(bobs.held.id);
    expect(res.text).not.toContain('ORGANIZER'); // the user's own calendar, not an invitation

    const etag = res.headers.get('etag')!;
    const again = await get(local(url), { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('shows a reschedule at once, under the same UID with a higher SEQUENCE and a new ETag', async () => {
    const hana = await signedInUser(app.url, { name: 'Hana' });
    const { createContact } = await hana.ok(CreateContactDocument, { input: { firstName: 'Ivo' } });
    const first = new Date(Date.now() + 5 * 86_400_000);
    first.setUTCHours(9, 0, 0, 0);
    const { scheduleMeeting } = await hana.ok(ScheduleMeetingDocument, {
      input: {
        contactId: createContact.id,
        title: 'Lunch with Ivo',
        startsAt: first.toISOString(),
        endsAt: new Date(first.getTime() + 3_600_000).toISOString(),
        timezone: 'America/New_York',
      },
    });
    const url = local(await feedOf(hana));
    const before = await get(url);
    const moved = new Date(first.getTime() + 2 * 86_400_000 + 4.5 * 3_600_000);
    await hana.ok(RescheduleMeetingDocument, {
      id: scheduleMeeting.id,
      startsAt: moved.toISOString(),
      endsAt: new Date(moved.getTime() + 3_600_000).toISOString(),
    });
    const after = await get(url, { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    const [old] = vevents(before.text);
    const [event] = vevents(after.text);
    expect(prop(event, 'UID')).toBe(prop(old, 'UID'));
    expect(prop(old, 'DTSTART')).toBe(utc(first));
    expect(prop(event, 'DTSTART')).toBe(utc(moved));
    expect(Number(prop(event, 'SEQUENCE'))).toBeGreaterThan(Number(prop(old, 'SEQUENCE')));
  });

  it('is bounded: meetings that started more than a year ago are left out', async () => {
    const erin = await signedInUser(app.url, { name: 'Erin' });
    const ids: { id: string }[] = await app.infra.ds.query(
      `INSERT INTO meetings (user_id, contact_name, title, starts_at, ends_at, timezone)
       VALUES ($1, 'Old friend', 'Long ago', now() - interval '400 days', now() - interval '400 days' + interval '1 hour', 'UTC'),
              ($1, 'New friend', 'Recently', now() - interval '300 days', now() - interval '300 days' + interval '1 hour', 'UTC')
       RETURNING id`,
      [erin.user.id],
    );
    const res = await get(local(await feedOf(erin)));
    expect(vevents(res.text).map((e) => prop(e, 'SUMMARY'))).toEqual(['Recently']);
    expect(res.text).not.toContain(ids[0].id);
  });

  it('resetCalendarFeed makes the old URL stop working', async () => {
    const frank = await signedInUser(app.url, { name: 'Frank' });
    const old = await feedOf(frank);
    const { resetCalendarFeed: fresh } = await frank.ok(ResetCalendarFeedDocument);
    expect(fresh).not.toBe(old);
    expect(await feedOf(frank)).toBe(fresh);
    expect((await get(local(old))).status).toBe(404);
    expect((await get(local(fresh))).status).toBe(200);
  });

  it('refuses forged URLs and another user’s id under a valid-looking signature', async () => {
    const url = local(await feedOf(ada));
    const forged = [
      url.replace(ada.user.id, bob.user.id),
      url.replace(/\.(\d+)(\.[\w-]+\.ics)$/, (_, v: string, rest: string) => `.${Number(v) + 1}${rest}`),
      url.replace(/.{6}\.ics$/, 'AAAAAA.ics'),
      url.replace(/\.ics$/, ''),
      `${app.url}/calendar/${calendarFeedToken({ userId: ada.user.id, version: 1 }, 'not-the-secret-0123456789abcdefghij')}.ics`,
    ];
    for (const f of forged) {
      const res = await get(f);
      expect({ f, status: res.status }).toEqual({ f, status: 404 });
      expect(res.text).not.toContain('VCALENDAR');
    }
  });

  it('stops for a suspended account and for a deleted one', async () => {
    const gina = await signedInUser(app.url, { name: 'Gina' });
    const url = local(await feedOf(gina));
    expect((await get(url)).status).toBe(200);
    await app.infra.ds.query('UPDATE users SET suspended_at = now() WHERE id = $1', [gina.user.id]);
    expect((await get(url)).status).toBe(404);
    await app.infra.ds.query('UPDATE users SET suspended_at = NULL WHERE id = $1', [gina.user.id]);
    expect((await get(url)).status).toBe(200);
    await app.infra.ds.query('DELETE FROM users WHERE id = $1', [gina.user.id]);
    expect((await get(url)).status).toBe(404);
  });

  it('keeps URLs signed with a secret listed in CALENDAR_FEED_PREVIOUS_SECRETS working after a rotation', async () => {
    const older = `older-feed-secret-${randomUUID()}`;
    const fresh = `fresh-feed-secret-${randomUUID()}`;
    const env = { ...baseTestEnv(), PUBLIC_URL: 'https://rapport.example.test' };
    const config = loadConfig({ ...env, CALENDAR_FEED_SECRET: fresh, CALENDAR_FEED_PREVIOUS_SECRETS: older });
    const infra = await openAppInfrastructure(config, 'api');
    const http = await createHttpApp(infra);
    const base = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
    try {
      const [{ version }] = await app.infra.ds.query(
        'SELECT calendar_feed_version AS version FROM users WHERE id = $1',
        [ada.user.id],
      );
      const token = (secret: string) => calendarFeedToken({ userId: ada.user.id, version }, secret);
      const subscribed = calendarFeedUrl(base, token(older));
      expect((await get(subscribed)).status).toBe(200);
      expect((await get(calendarFeedUrl(base, token(fresh)))).status).toBe(200);
      // The retired-secret URL is refused where that secret is no longer listed.
      expect((await get(calendarFeedUrl(app.url, token(older)))).status).toBe(404);
    } finally {
      await http.close();
      await infra.close();
    }
  });
});
