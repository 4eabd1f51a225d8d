import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../../src/core/config';
import { HeaderInjectionError, Mailer, type OutgoingMail } from '../../src/core/mail/mailer';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { baseTestEnv } from '../helpers/test-env';

const mail = (overrides: Partial<OutgoingMail> = {}): OutgoingMail => ({
  from: { name: 'Ada Lovelace via Rapport', address: 'rapport@example.test' },
  to: { name: 'Grace Hopper', address: 'grace@example.test' },
  replyTo: { name: 'Ada Lovelace', address: 'ada@example.test' },
  subject: 'Thank you for your time',
  text: 'Thank you, Grace.',
  html: '<p>Thank you, Grace.</p>',
  messageId: '<thank-you.123@rapport.example.test>',
  ...overrides,
});

const mailConfig = (env: Record<string, string>) => loadConfig({ ...baseTestEnv(), ...env }).mail;

describe('development mailbox (file transport)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-mail-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes each message as an .eml file a mail client can open', async () => {
    const mailer = Mailer.create(mailConfig({ MAIL_TRANSPORT: 'file', MAIL_DIR: dir }));
    const result = await mailer.send(mail());
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/-_thank-you\.123_rapport\.example\.test_\.eml$/);
    expect(result.response).toContain(files[0]);

    const parsed = await simpleParser(await readFile(path.join(dir, files[0])));
    expect(parsed.subject).toBe('Thank you for your time');
    expect(parsed.messageId).toBe('<thank-you.123@rapport.example.test>');
    expect(parsed.text?.trim()).toBe('Thank you, Grace.');
    expect(parsed.html).toContain('<p>Thank you, Grace.</p>');
    mailer.close();
  });
});

describe('SMTP transport', () => {
  let sink: SmtpSink;
  let mailer: Mailer;
  beforeAll(async () => {
    sink = await startSmtpSink();
    mailer = Mailer.create(mailConfig({ MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url }));
  });
  afterAll(async () => {
    mailer.close();
    await sink.close();
  });

  it('delivers both parts with the given Message-ID, From and Reply-To', async () => {
    await mailer.send(mail());
    const [received] = await sink.waitFor(1);
    expect(received.envelope.to).toEqual(['grace@example.test']);
    expect(received.parsed.messageId).toBe('<thank-you.123@rapport.example.test>');
    expect(received.parsed.from?.value).toEqual([
      { name: 'Ada Lovelace via Rapport', address: 'rapport@example.test' },
    ]);
    expect(received.parsed.replyTo?.value).toEqual([{ name: 'Ada Lovelace', address: 'ada@example.test' }]);
    expect(received.parsed.text?.trim()).toBe('Thank you, Grace.');
    expect(received.parsed.html).toContain('<p>Thank you, Grace.</p>');
  });

  it.each([
    ['subject', mail({ subject: 'Hello\r\nBcc: victim@example.test' })],
    ['from.name', mail({ from: { name: 'Ada\nBcc: x@example.test', address: 'rapport@example.test' } })],
    ['headers.X-Note', mail({ headers: { 'X-Note': 'a\rb' } })],
  ])('refuses a line break in %s and sends nothing', async (field, message) => {
    const before = sink.messages.length;
    await expect(mailer.send(message)).rejects.toThrow(new HeaderInjectionError(field));
    expect(sink.messages.length).toBe(before);
  });
});
