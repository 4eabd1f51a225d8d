import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../../src/core/config';
import {
  classifySmtpError,
  isHardBounce,
  HeaderInjectionError,
  Mailer,
  SmtpSendError,
  type OutgoingMail,
} from '../../src/core/mail/mailer';
import { listUnsubscribeHeaders } from '../../src/modules/emails/unsubscribe-token';
import { startSmtpSink, type SmtpMode, type SmtpSink } from '../helpers/smtp';
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

// One real send through the built Mailer (dist/, compiled by `npm test`), in a child process.
const SEND_ONE = `
const { loadConfig } = require('./dist/src/core/config.js');
const { Mailer } = require('./dist/src/core/mail/mailer.js');
const env = JSON.parse(process.env.SEND_ONE_ENV);
const mailer = Mailer.create(loadConfig({ ...env, MAIL_TRANSPORT: 'smtp' }).mail);
mailer
  .send({
    from: { name: 'Rapport', address: 'rapport@example.test' },
    to: { name: 'Grace Hopper', address: 'grace@example.test' },
    subject: 'No delay',
    text: 'Sent at once.',
    html: '<p>Sent at once.</p>',
    messageId: '<nodelay@rapport.example.test>',
  })
  .then(() => mailer.close(), (err) => { console.error(err); process.exitCode = 1; mailer.close(); });
`;

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

describe('SMTP failures', () => {
  let sink: SmtpSink;
  let mailer: Mailer;
  let n = 0;
  const next = () => mail({ messageId: `<fault-${++n}.${Date.now()}@rapport.example.test>` });
  const failureOf = async (message: OutgoingMail) => {
    const err = await mailer.send(message).then(
      () => {
        throw new Error('expected the send to fail');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SmtpSendError);
    return err as SmtpSendError;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    mailer = Mailer.create(mailConfig({ MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url }));
  });
  afterEach(() => sink.setMode('accept'));
  afterAll(async () => {
    mailer.close();
    await sink.close();
  });

  // The fields are nodemailer 10.6's, observed against the sink's fault modes.
  it.each<[SmtpMode, string, Partial<SmtpSendError>]>([
    ['refuse', 'TRANSIENT', { code: 'ESOCKET', command: 'CONN', responseCode: undefined, dataSent: false }],
    ['close-on-connect', 'TRANSIENT', { code: 'ECONNECTION', responseCode: undefined, dataSent: false }],
    ['tempfail-rcpt', 'TRANSIENT', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 451, dataSent: false }],
    ['tempfail-data', 'TRANSIENT', { code: 'EMESSAGE', command: 'DATA', responseCode: 451, dataSent: true }],
    [
      'drop-before-data',
      'TRANSIENT',
      { code: 'ECONNECTION', command: 'CONN', responseCode: undefined, dataSent: false },
    ],
    ['reject-rcpt', 'PERMANENT', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, dataSent: false }],
    ['reject-data', 'PERMANENT', { code: 'EMESSAGE', command: 'DATA', responseCode: 550, dataSent: true }],
    ['drop-after-data', 'UNCERTAIN', { code: 'ECONNECTION', command: 'CONN', responseCode: undefined, dataSent: true }],
  ])('%s is %s', async (mode, kind, fields) => {
    await sink.setMode(mode);
    const message = next();
    const err = await failureOf(message);
    expect(err).toMatchObject(fields);
    expect(classifySmtpError(err)).toBe(kind);
    // Only the gap delivers data the sender could not confirm, and the pool never retries it by itself.
    expect(sink.count(message.messageId)).toBe(mode === 'drop-after-data' ? 1 : 0);
  });

  it('reports the 550 reply text and delivers again once the server is back', async () => {
    await sink.setMode('reject-rcpt');
    const err = await failureOf(next());
    expect(err.response).toBe('550 5.1.1 No such user');

    await sink.setMode('refuse');
    await failureOf(next());
    await sink.setMode('accept');
    const message = next();
    await mailer.send(message);
    expect(sink.count(message.messageId)).toBe(1);
  });

  it.each([
    ['reject-rcpt', true],
    ['reject-data', true],
    ['policy-data', false],
    ['too-large-data', false],
  ] as const)('%s: a hard bounce (suppress the address) is %s', async (mode, bounce) => {
    await sink.setMode(mode);
    const err = await failureOf(next());
    expect(classifySmtpError(err)).toBe('PERMANENT');
    expect(isHardBounce(err)).toBe(bounce);
  });

  it.each([
    ['550 5.1.1 No such user', 'RCPT TO', true],
    ['550 5.1.10 Null MX', 'RCPT TO', true],
    ['550 5.2.1 Mailbox disabled', 'DATA', true],
    ['552 5.2.2 Mailbox full', 'RCPT TO', false],
    ['553 5.1.7 Bad sender address syntax', 'RCPT TO', false],
    ['554 5.7.1 Rejected as spam', 'DATA', false],
    ['550 5.7.1 Relaying denied', 'RCPT TO', false],
    ['552 5.3.4 Message too big', 'DATA', false],
    ['550 5.6.0 Bad content', 'DATA', false],
    ['550 No such user here', 'RCPT TO', true],
    ['554 Transaction failed', 'RCPT TO', false],
    ['550 Message refused', 'DATA', false],
    ['451 4.1.1 Try later', 'RCPT TO', false],
  ])('"%s" at %s is a hard bounce: %s', (response, command, bounce) => {
    const err = new SmtpSendError(
      { message: response, responseCode: Number(response.slice(0, 3)), command, response },
      false,
    );
    expect(isHardBounce(err)).toBe(bounce);
  });

  it('does not count an error from before SMTP as anything but transient', () => {
    expect(classifySmtpError(new Error('boom'))).toBe('TRANSIENT');
  });
});

describe('SMTP delivery', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('asks the kernel for TCP_NODELAY on its SMTP socket', async () => {
    // Observed from outside the process: a real send runs in a child Node under strace, and the
    // socket that connected to the sink must have TCP_NODELAY set on it (whoever in the stack
    // sets it). Without it, small SMTP commands wait for the previous segment's ACK (Nagle).
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-nodelay-'));
    try {
      const trace = path.join(dir, 'trace');
      // Asynchronously: the sink answering the child lives in this process's event loop.
      const child = await promisify(execFile)(
        'strace',
        ['-f', '-qq', '-e', 'trace=connect,setsockopt', '-o', trace, process.execPath, '-e', SEND_ONE],
        {
          cwd: path.join(__dirname, '..', '..'),
          env: { ...process.env, SEND_ONE_ENV: JSON.stringify({ ...baseTestEnv(), SMTP_URL: sink.url }) },
          encoding: 'utf8',
        },
      );
      expect(child.stderr).toBe('');
      const lines = (await readFile(trace, 'utf8')).split('\n');
      const sockets = lines
        .map((line) => new RegExp(`^(\\d+) +connect\\((\\d+), .*htons\\(${sink.port}\\)`).exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map(([, pid, fd]) => ({ pid, fd }));
      expect(sockets.length).toBeGreaterThan(0);
      for (const { pid, fd } of sockets) {
        expect(lines).toContainEqual(
          expect.stringMatching(new RegExp(`^${pid} +setsockopt\\(${fd}, SOL_TCP, TCP_NODELAY, \\[1\\], 4\\) = 0`)),
        );
      }
      expect(sink.count('<nodelay@rapport.example.test>')).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('delivers many concurrent sends exactly once each', async () => {
    const mailer = Mailer.create(mailConfig({ MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url }));
    try {
      const ids = Array.from({ length: 40 }, (_, i) => `<burst-${i}@rapport.example.test>`);
      await Promise.all(ids.map((messageId) => mailer.send(mail({ messageId }))));
      for (const id of ids) expect(sink.count(id)).toBe(1);
      expect(sink.duplicates()).toEqual([]);
    } finally {
      mailer.close();
    }
  });

  it('carries the List-Unsubscribe headers intact', async () => {
    const config = loadConfig({ ...baseTestEnv(), PUBLIC_URL: 'https://rapport.example.test' });
    const headers = listUnsubscribeHeaders('Grace@Example.test', config);
    const mailer = Mailer.create(mailConfig({ MAIL_TRANSPORT: 'smtp', SMTP_URL: sink.url }));
    try {
      await mailer.send(mail({ messageId: '<list-unsubscribe@rapport.example.test>', headers }));
      const received = sink.messages.find((m) => m.parsed.messageId === '<list-unsubscribe@rapport.example.test>')!;
      const line = (key: string) =>
        received.parsed.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n(?=[ \t])/g, '');
      expect(line('list-unsubscribe')).toBe(`List-Unsubscribe: ${headers['List-Unsubscribe']}`);
      expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(headers['List-Unsubscribe']).toMatch(
        /^<mailto:unsubscribe\+[\w-]+\.[\w-]+@localhost\?subject=unsubscribe>, <https:\/\/rapport\.example\.test\/unsubscribe\/[\w-]+\.[\w-]+>$/,
      );
    } finally {
      mailer.close();
    }
  });
});
