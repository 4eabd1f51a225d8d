import { randomUUID } from 'node:crypto';
import { maskEmail } from '../../src/modules/emails/unsubscribe.routes';
import {
  listUnsubscribeHeaders,
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from '../../src/modules/emails/unsubscribe-token';
import 'reflect-metadata';
import { createHttpApp } from '../../src/app/http-app';
import { openAppInfrastructure } from '../../src/app/infrastructure';
import { loadConfig, type Config } from '../../src/core/config';
import { startTestApp, type TestApp } from '../helpers/app';
import { baseTestEnv } from '../helpers/test-env';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { ContactDocument, CreateContactDocument } from '../generated/graphql';

let app: TestApp;
let ada: SignedInUser;
let bob: SignedInUser;
beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL: 'https://rapport.example.test' });
  ada = await signedInUser(app.url, { name: 'Ada Lovelace' });
  bob = await signedInUser(app.url, { name: 'Bob Kahn' });
});
afterAll(() => app.close());

const secret = () => app.config.email.unsubscribeSecret;
const uniqueAddress = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.test`;

/** Direct SQL: the planner is not what is under test here. */
async function planEmail(user: SignedInUser, kind: string, toEmail: string, contactId: string | null = null) {
  const id = randomUUID();
  await app.infra.ds.query(
    `INSERT INTO scheduled_emails (id, user_id, contact_id, kind, dedupe_key, to_email, subject, send_at, message_id)
     VALUES ($1, $2, $3, $4, $5, $6, 'Planned', now() + interval '1 day', $7)`,
    [id, user.user.id, contactId, kind, `test:${id}`, toEmail, `<${id}@rapport.example.test>`],
  );
  return id;
}

async function statusOf(id: string): Promise<string> {
  const [row] = await app.infra.ds.query('SELECT status FROM scheduled_emails WHERE id = $1', [id]);
  return row.status;
}

async function eventsOf(id: string): Promise<{ event: string; detail: string | null }[]> {
  return app.infra.ds.query('SELECT event, detail FROM email_events WHERE scheduled_email_id = $1', [id]);
}

async function suppressionsOf(email: string): Promise<{ email: string; reason: string; detail: string | null }[]> {
  return app.infra.ds.query('SELECT email, reason, detail FROM email_suppressions WHERE email = $1', [email]);
}

async function newContact(user: SignedInUser, email: string) {
  return (await user.ok(CreateContactDocument, { input: { firstName: 'Grace', email } })).createContact;
}

async function optedOut(user: SignedInUser, contactId: string): Promise<boolean> {
  return (await user.ok(ContactDocument, { id: contactId })).contact!.emailOptOut;
}

const page = (token: string, init?: RequestInit) => fetch(`${app.url}/unsubscribe/${token}`, init);
const oneClick = (token: string) =>
  page(token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

/** Two users know the same person; one also has a reminder for herself. */
async function scenario() {
  const email = uniqueAddress('grace');
  const adasGrace = await newContact(ada, email);
  const bobsGrace = await newContact(bob, email.toUpperCase());
  const bystander = await newContact(ada, uniqueAddress('alan'));
  const thankYou = await planEmail(ada, 'THANK_YOU', email, adasGrace.id);
  const followUp = await planEmail(bob, 'FOLLOW_UP', email, bobsGrace.id);
  const prepReminder = await planEmail(ada, 'PREP_REMINDER', ada.user.email);
  const toBystander = await planEmail(ada, 'THANK_YOU', bystander.email!, bystander.id);
  return { email, adasGrace, bobsGrace, bystander, thankYou, followUp, prepReminder, toBystander };
}

describe('unsubscribe tokens', () => {
  it('round-trip the lower-cased address and refuse anything else', () => {
    const token = unsubscribeToken('Grace@Example.TEST', 'a-secret-that-is-long-enough-0123456789');
    expect(verifyUnsubscribeToken(token, 'a-secret-that-is-long-enough-0123456789')).toBe('grace@example.test');
    expect(verifyUnsubscribeToken(token, 'another-secret-that-is-long-enough-01234')).toBeNull();
    const [address, signature] = token.split('.');
    const other = unsubscribeToken('alan@example.test', 'a-secret-that-is-long-enough-0123456789');
    for (const forged of [
      `${other.split('.')[0]}.${signature}`,
      `${address}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
      `${address}.${signature}x`,
      address,
      '',
      'not a token',
    ]) {
      expect(verifyUnsubscribeToken(forged, 'a-secret-that-is-long-enough-0123456789')).toBeNull();
    }
    // At least 128 bits of signature.
    expect(Buffer.from(signature, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('build the List-Unsubscribe headers and masked addresses', () => {
    const token = unsubscribeToken('grace@example.test', secret());
    expect(listUnsubscribeHeaders('grace@example.test', app.config)).toEqual({
      'List-Unsubscribe': `<mailto:unsubscribe+${token}@localhost?subject=unsubscribe>, <https://rapport.example.test/unsubscribe/${token}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribeUrl('https://rapport.example.test', token)).toBe(
      `https://rapport.example.test/unsubscribe/${token}`,
    );
    expect(maskEmail('grace.hopper@navy.example')).toBe('g•••r@navy.example');
    expect(maskEmail('g@navy.example')).toBe('g•••@navy.example');
  });
});

describe('GET /unsubscribe/:token', () => {
  it('shows a self-contained confirmation page and changes nothing', async () => {
    const s = await scenario();
    const res = await page(unsubscribeToken(s.email, secret()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('content-security-policy')).toMatch(/form-action 'self'/);
    const html = await res.text();
    expect(html).toContain(maskEmail(s.email));
    expect(html).not.toContain(s.email);
    expect(html).toMatch(/<form method="post">/);
    expect(html).not.toMatch(/<script|src=|href=/);

    expect(await suppressionsOf(s.email)).toEqual([]);
    expect(await optedOut(ada, s.adasGrace.id)).toBe(false);
    expect(await optedOut(bob, s.bobsGrace.id)).toBe(false);
    expect(await statusOf(s.thankYou)).toBe('PENDING');
    expect(await eventsOf(s.thankYou)).toEqual([]);
  });
});

describe('POST /unsubscribe/:token', () => {
  it('records a one-click opt-out at once for every user and suppresses pending contact emails', async () => {
    const s = await scenario();
    const res = await oneClick(unsubscribeToken(s.email, secret()));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You will not receive any more emails');

    expect(await suppressionsOf(s.email)).toEqual([{ email: s.email, reason: 'UNSUBSCRIBED', detail: 'one-click' }]);
    expect(await optedOut(ada, s.adasGrace.id)).toBe(true);
    expect(await optedOut(bob, s.bobsGrace.id)).toBe(true);
    expect(await statusOf(s.thankYou)).toBe('SUPPRESSED');
    expect(await eventsOf(s.thankYou)).toEqual([{ event: 'SUPPRESSED', detail: 'UNSUBSCRIBED' }]);
    expect(await statusOf(s.followUp)).toBe('SUPPRESSED');
    // The user's own reminder and other people's emails are not the unsubscriber's business.
    expect(await statusOf(s.prepReminder)).toBe('PENDING');
    expect(await eventsOf(s.prepReminder)).toEqual([]);
    expect(await optedOut(ada, s.bystander.id)).toBe(false);
    expect(await statusOf(s.toBystander)).toBe('PENDING');
  });

  it("suppresses pending reminders to the address too: the account's address may not be its user's", async () => {
    const email = uniqueAddress('victim');
    const reminder = await planEmail(ada, 'PREP_REMINDER', email);
    const digest = await planEmail(ada, 'KEEP_IN_TOUCH_DIGEST', email.toUpperCase());
    expect((await oneClick(unsubscribeToken(email, secret()))).status).toBe(200);
    for (const id of [reminder, digest]) {
      expect(await statusOf(id)).toBe('SUPPRESSED');
      expect(await eventsOf(id)).toEqual([{ event: 'SUPPRESSED', detail: 'UNSUBSCRIBED' }]);
    }
  });

  it('accepts the confirmation form (any content type) and is harmless when repeated', async () => {
    const s = await scenario();
    const token = unsubscribeToken(s.email, secret());
    const first = await page(token, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '' });
    expect(first.status).toBe(200);
    const again = await oneClick(token);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('You will not receive any more emails');

    expect(await suppressionsOf(s.email)).toEqual([{ email: s.email, reason: 'UNSUBSCRIBED', detail: 'web form' }]);
    expect(await statusOf(s.thankYou)).toBe('SUPPRESSED');
    expect(await eventsOf(s.thankYou)).toHaveLength(1);
    expect(await eventsOf(s.followUp)).toHaveLength(1);
  });

  it('answers a tampered or garbage token with a generic 400 and changes nothing', async () => {
    const s = await scenario();
    const token = unsubscribeToken(s.email, secret());
    const flip = (t: string, at: number) => `${t.slice(0, at)}${t[at] === 'A' ? 'B' : 'A'}${t.slice(at + 1)}`;
    const tampered = flip(token, token.length - 1);
    const tamperedInside = flip(token, token.length - 8);
    const tamperedAddress = flip(token, 2);
    const forSomeoneElse = `${unsubscribeToken(uniqueAddress('eve'), secret()).split('.')[0]}.${token.split('.')[1]}`;
    const wrongSecret = unsubscribeToken(s.email, 'x'.repeat(40));
    for (const bad of [tampered, tamperedInside, tamperedAddress, forSomeoneElse, 'garbage', wrongSecret]) {
      for (const res of [await page(bad), await oneClick(bad)]) {
        expect(res.status).toBe(400);
        expect(res.headers.get('x-robots-tag')).toBe('noindex');
        const html = await res.text();
        expect(html).toContain('This link is not valid');
        expect(html).not.toContain(maskEmail(s.email));
      }
    }
    expect(await suppressionsOf(s.email)).toEqual([]);
    expect(await optedOut(ada, s.adasGrace.id)).toBe(false);
    expect(await statusOf(s.thankYou)).toBe('PENDING');
  });
});

/**
 * Another API process on this worker's database with its own settings, as a redeploy with
 * changed secrets would start; unlike startTestApp it keeps the data the other tests made.
 */
async function redeployed(
  env: Record<string, string>,
): Promise<{ url: string; config: Config; close(): Promise<void> }> {
  const config = loadConfig({ ...baseTestEnv(), PUBLIC_URL: 'https://rapport.example.test', ...env });
  const infra = await openAppInfrastructure(config, 'api');
  const http = await createHttpApp(infra);
  const port = await http.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    close: async () => {
      await http.close();
      await infra.close();
    },
  };
}

const at = (base: string, token: string, init?: RequestInit) => fetch(`${base}/unsubscribe/${token}`, init);
const oneClickAt = (base: string, token: string) =>
  at(base, token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
/** The token in the https List-Unsubscribe URL an API with this config puts in a message. */
const issuedBy = (config: Config, email: string) =>
  /\/unsubscribe\/([^>]+)>$/.exec(listUnsubscribeHeaders(email, config)['List-Unsubscribe'])![1];

describe('unsubscribe secret rotation', () => {
  const retired = 'retired-unsubscribe-secret-0123456789abcdef';
  const older = 'older-unsubscribe-secret-0123456789abcdefgh';
  const fresh = 'fresh-unsubscribe-secret-0123456789abcdefgh';

  it('keeps links signed with a secret listed in UNSUBSCRIBE_PREVIOUS_SECRETS working (page and one-click)', async () => {
    const rotated = await redeployed({
      UNSUBSCRIBE_SECRET: fresh,
      UNSUBSCRIBE_PREVIOUS_SECRETS: `${older}, ${retired}`,
    });
    try {
      const s = await scenario();
      const delivered = unsubscribeToken(s.email, retired);
      const pageRes = await at(rotated.url, delivered);
      expect(pageRes.status).toBe(200);
      expect(await pageRes.text()).toContain(maskEmail(s.email));
      expect(await suppressionsOf(s.email)).toEqual([]);

      const res = await oneClickAt(rotated.url, delivered);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('You will not receive any more emails');
      expect(await suppressionsOf(s.email)).toEqual([{ email: s.email, reason: 'UNSUBSCRIBED', detail: 'one-click' }]);
      expect(await optedOut(bob, s.bobsGrace.id)).toBe(true);
      expect(await statusOf(s.thankYou)).toBe('SUPPRESSED');
      expect(await statusOf(s.toBystander)).toBe('PENDING');

      // New links are signed with the current secret only.
      const other = uniqueAddress('alan');
      expect(issuedBy(rotated.config, other)).toBe(unsubscribeToken(other, fresh));
      expect(issuedBy(rotated.config, other)).not.toBe(unsubscribeToken(other, retired));
      expect((await at(rotated.url, unsubscribeToken(other, older))).status).toBe(200);
    } finally {
      await rotated.close();
    }
  });

  it('refuses links signed with a secret that is no longer listed', async () => {
    const rotated = await redeployed({ UNSUBSCRIBE_SECRET: fresh, UNSUBSCRIBE_PREVIOUS_SECRETS: older });
    try {
      const s = await scenario();
      const stale = unsubscribeToken(s.email, retired);
      for (const res of [await at(rotated.url, stale), await oneClickAt(rotated.url, stale)]) {
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('This link is not valid');
      }
      expect(await suppressionsOf(s.email)).toEqual([]);
      expect(await optedOut(ada, s.adasGrace.id)).toBe(false);
      expect(await statusOf(s.thankYou)).toBe('PENDING');
    } finally {
      await rotated.close();
    }
  });

  it('keeps every delivered link working when only JWT_SECRET changes', async () => {
    const s = await scenario();
    const delivered = issuedBy(app.config, s.email);
    const rotated = await redeployed({ JWT_SECRET: 'a-brand-new-jwt-secret-after-rotation-0123456789' });
    try {
      expect(rotated.config.auth.jwtSecret).not.toBe(app.config.auth.jwtSecret);
      const pageRes = await at(rotated.url, delivered);
      expect(pageRes.status).toBe(200);
      expect(await pageRes.text()).toContain(maskEmail(s.email));
      const res = await oneClickAt(rotated.url, delivered);
      expect(res.status).toBe(200);
      expect(await suppressionsOf(s.email)).toEqual([{ email: s.email, reason: 'UNSUBSCRIBED', detail: 'one-click' }]);
      expect(await statusOf(s.followUp)).toBe('SUPPRESSED');
    } finally {
      await rotated.close();
    }
  });
});
