import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config';

export interface Address {
  name: string;
  address: string;
}

/** A fully rendered message. Every header value is checked for CR/LF before sending. */
export interface OutgoingMail {
  from: Address;
  to: Address | string;
  replyTo?: Address;
  subject: string;
  text: string;
  html: string;
  /** Deterministic `<id@domain>`, so a resend can be recognised by the receiver. */
  messageId: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: string; contentType: string }[];
}

export interface SendResult {
  messageId: string;
  /** The SMTP server's reply, or the file written in development. */
  response: string;
}

/**
 * Called once the server is ready for the message data (SMTP: after its reply to DATA), before
 * any of it is written; false withdraws it (SendWithdrawnError). Until then a send may wait behind
 * others, or for the server's replies to the envelope, for as long as the server is slow.
 */
export type HandOver = () => Promise<boolean>;

/** The caller withdrew the message when it got a connection slot: nothing of it reached SMTP. */
export class SendWithdrawnError extends Error {
  constructor() {
    super('withdrawn before it was handed to SMTP');
    this.name = 'SendWithdrawnError';
  }
}

export class HeaderInjectionError extends Error {
  constructor(field: string) {
    super(`mail header ${field} contains a line break`);
    this.name = 'HeaderInjectionError';
  }
}

const LINE_BREAK = /[\r\n]/;

function assertNoLineBreaks(mail: OutgoingMail): void {
  const check = (field: string, value: string | undefined) => {
    if (value !== undefined && LINE_BREAK.test(value)) throw new HeaderInjectionError(field);
  };
  const checkAddress = (field: string, a: Address | string | undefined) => {
    if (typeof a === 'string') return check(field, a);
    check(`${field}.name`, a?.name);
    check(`${field}.address`, a?.address);
  };
  checkAddress('from', mail.from);
  checkAddress('to', mail.to);
  checkAddress('replyTo', mail.replyTo);
  check('subject', mail.subject);
  check('messageId', mail.messageId);
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    check(`headers.${name}`, name);
    check(`headers.${name}`, value);
  }
  for (const a of mail.attachments ?? []) check('attachments.filename', a.filename);
}

/**
 * Sends rendered mail. SMTP in production (pooled, short timeouts); in development every
 * message is written as an `.eml` file a person can open in any mail client.
 */
export class Mailer {
  private constructor(
    private readonly transport: Transporter,
    private readonly deliver: (mail: OutgoingMail, handOver?: HandOver) => Promise<SendResult>,
  ) {}

  static create(config: Config['mail']): Mailer {
    if (config.transport === 'smtp') {
      const maxConnections = 5;
      // TCP_NODELAY: nodemailer (since 10.1) calls setNoDelay(true) on every SMTP socket it uses,
      // its own or one handed over by `getSocket` (SMTPConnection#_onConnect), so a custom
      // socket factory would add nothing; test/emails/mailer.test.ts checks it stays so.
      const transport = nodemailer.createTransport({
        url: config.smtpUrl,
        pool: true,
        maxConnections,
        maxMessages: 1000,
        connectionTimeout: 5_000,
        greetingTimeout: 5_000,
        // How long a reply may take. RFC 5321 (4.5.3.2) asks a client to wait at least 5 minutes
        // for most replies and 10 for the one after the data; at 20 s a slow but working server's
        // accepted mail became UNCERTAIN. A job waiting this long keeps renewing its lease.
        socketTimeout: 300_000,
      } as Parameters<typeof nodemailer.createTransport>[0]);
      transport.use('stream', wholeMessage);
      // Sends beyond this wait here rather than in nodemailer's unbounded queue, where a slow
      // server would let them pile up behind the socket timeouts.
      const inFlight = new Semaphore(maxConnections * 2);
      return new Mailer(transport, async (mail, handOver) => {
        // The hand-over runs when the server asks for the message data (see wholeMessage).
        const progress: DeliveryProgress = { dataSent: false, handOver };
        const release = await inFlight.acquire();
        try {
          // Carried on the message data to the plugin; nodemailer copies unknown keys as they are.
          const options = { ...toNodemailer(mail), [PROGRESS_KEY]: progress };
          const info = await transport.sendMail(options);
          return { messageId: info.messageId, response: String(info.response) };
        } catch (err) {
          // Withdrawn (or the hand-over failed) before a byte of the message was written.
          if (progress.withdrawn) throw progress.withdrawn;
          throw new SmtpSendError(err, progress.dataSent);
        } finally {
          release();
        }
      });
    }
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return new Mailer(transport, async (mail, handOver) => {
      if (handOver && !(await handOver())) throw new SendWithdrawnError();
      const info = await transport.sendMail(toNodemailer(mail));
      const file = await writeEml(config.dir, mail, info.message as Buffer);
      return { messageId: info.messageId, response: `written to ${file}` };
    });
  }

  /**
   * Rejects with HeaderInjectionError before anything is sent, with SendWithdrawnError when
   * `handOver` says no, with what `handOver` throws, or (SMTP) with an SmtpSendError.
   */
  async send(mail: OutgoingMail, handOver?: HandOver): Promise<SendResult> {
    assertNoLineBreaks(mail);
    return this.deliver(mail, handOver);
  }

  close(): void {
    this.transport.close();
  }
}

/** How a failed send is to be treated; see classifySmtpError. */
export type SmtpFailureKind = 'TRANSIENT' | 'PERMANENT' | 'UNCERTAIN';

/**
 * A failed SMTP send: nodemailer's error fields, plus whether the whole message had already been
 * handed to the server. nodemailer reports a connection lost while waiting for the reply to the
 * message data exactly as one lost at MAIL FROM or RCPT TO (`code: 'ECONNECTION'` or
 * `'ETIMEDOUT'`/`'ESOCKET'`, `command: 'CONN'`, no `responseCode`), so `dataSent` is tracked here.
 */
export class SmtpSendError extends Error {
  /** nodemailer's code: ECONNECTION, ETIMEDOUT, ESOCKET, EENVELOPE, EMESSAGE, … */
  readonly code: string | undefined;
  /** The SMTP command in flight ('CONN', 'MAIL FROM', 'RCPT TO', 'DATA', …). */
  readonly command: string | undefined;
  /** The server's reply code, when it replied. */
  readonly responseCode: number | undefined;
  readonly response: string | undefined;

  constructor(
    cause: unknown,
    /** The complete message had been streamed to the server: it may have been accepted. */
    readonly dataSent: boolean,
  ) {
    const e = (cause ?? {}) as {
      message?: unknown;
      code?: unknown;
      command?: unknown;
      responseCode?: unknown;
      response?: unknown;
    };
    super(typeof e.message === 'string' ? e.message : String(cause), { cause });
    this.name = 'SmtpSendError';
    this.code = typeof e.code === 'string' ? e.code : undefined;
    this.command = typeof e.command === 'string' ? e.command : undefined;
    this.responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    this.response = typeof e.response === 'string' ? e.response : undefined;
  }
}

// Replies to these commands are about this message or this recipient; others (greeting, EHLO,
// AUTH, MAIL FROM) are about our session or sender, and never a reason to give up on the recipient.
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);

/**
 * - PERMANENT: the server refused this recipient or message with a 5xx reply to RCPT TO or
 *   DATA (503, "bad sequence", excepted). Retrying gets the same answer.
 * - UNCERTAIN: the connection broke (or timed out) after the whole message was sent, before the
 *   server's reply: it may have been delivered. Never re-send automatically.
 * - TRANSIENT: everything else — 4xx replies, refused or dropped connections and timeouts before
 *   the message data went out, and failures of our own session (e.g. AUTH). Retry with backoff.
 *   An error that is not an SmtpSendError (nothing was sent) is TRANSIENT too.
 */
export function classifySmtpError(err: unknown): SmtpFailureKind {
  if (!(err instanceof SmtpSendError)) return 'TRANSIENT';
  const { responseCode, command, dataSent } = err;
  if (responseCode !== undefined) {
    const permanent = responseCode >= 500 && responseCode < 600 && responseCode !== 503;
    return permanent && command !== undefined && MESSAGE_COMMANDS.has(command) ? 'PERMANENT' : 'TRANSIENT';
  }
  return dataSent ? 'UNCERTAIN' : 'TRANSIENT';
}

// "550 5.1.1 …": the reply code, then the RFC 3463 enhanced status class.subject.detail.
// Anchored, fixed-width pieces: linear on any reply.
const ENHANCED_STATUS = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})(?!\d)/;
// RFC 3463 X.1.7 and X.1.8 are about our sender address, not the recipient's mailbox.
const SENDER_ADDRESS_DETAILS = new Set([7, 8]);
// Without an enhanced code, RFC 5321's mailbox replies to RCPT TO: 550 unavailable, 551 not
// local, 553 name not allowed (552 and 554 there are about storage or policy).
const MAILBOX_REPLIES = new Set([550, 551, 553]);

/**
 * A PERMANENT failure that says the recipient's address or mailbox will never take mail (a hard
 * bounce; the caller suppresses the address): an enhanced status 5.1.x about the recipient
 * (bad mailbox, bad system, bad syntax, moved, null MX) or 5.2.1 (mailbox disabled), at RCPT TO
 * or after DATA; or, with no enhanced code, 550/551/553 at RCPT TO. Every other permanent failure
 * (5.7.x policy, 5.3.4 too large, 5.6.x content, 5.2.2 mailbox full…) is about this message and
 * fails it alone.
 */
export function isHardBounce(err: unknown): boolean {
  if (classifySmtpError(err) !== 'PERMANENT') return false;
  const { responseCode, command, response } = err as SmtpSendError;
  const enhanced = ENHANCED_STATUS.exec((response ?? '').trimStart());
  if (!enhanced) return command === 'RCPT TO' && MAILBOX_REPLIES.has(responseCode!);
  const [klass, subject, detail] = [enhanced[1], Number(enhanced[2]), Number(enhanced[3])];
  if (klass !== '5') return false;
  if (subject === 1) return !SENDER_ADDRESS_DETAILS.has(detail);
  return subject === 2 && detail === 1;
}

const PROGRESS_KEY = 'rapportDeliveryProgress';
interface DeliveryProgress {
  dataSent: boolean;
  handOver?: HandOver;
  /** Why the message was not written: SendWithdrawnError, or what the hand-over threw. */
  withdrawn?: unknown;
}

/**
 * nodemailer 'stream' plugin: hands the message to the SMTP connection as one chunk, once the
 * caller's hand-over agrees (when the server asks for the data), and notes when it has been read
 * to the end. Only then can the server have received the final "." and
 * accepted it, so a failure before that point cannot have delivered the message.
 *
 * One chunk, because nodemailer writes every chunk of the MIME stream (a dozen for a small
 * message: headers, boundaries, each part) to the socket as it comes, and with TCP_NODELAY each
 * write is a system call and a packet the server must read; whole, it is one of each. The SMTP
 * pool creates a new read stream when it retries on another connection, hence the factory.
 */
const wholeMessage: Parameters<Transporter['use']>[1] = (mail, done) => {
  const progress = (mail.data as Record<string, unknown>)[PROGRESS_KEY] as DeliveryProgress | undefined;
  if (mail.message) {
    // A process function, not a transform: it runs after nodemailer's own last stage, so its output
    // is the stream the SMTP connection pipes, and it is resumed only then.
    mail.message.processFunc((input) => {
      const chunks: Buffer[] = [];
      const whole = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk);
          callback();
        },
        flush(callback) {
          const data = Buffer.concat(chunks);
          const handOver = progress?.handOver;
          if (!handOver) return callback(null, data);
          // nodemailer pipes the message (resuming this stream) only once the server has accepted
          // the envelope and answered DATA: until then nothing of it can have been delivered, so
          // the hand-over (the caller's "SMTP started") waits for that moment.
          const start = () =>
            handOver().then(
              (ok) => {
                if (ok) return callback(null, data);
                progress.withdrawn = new SendWithdrawnError();
                callback(progress.withdrawn as Error);
              },
              (err: unknown) => {
                progress.withdrawn = err;
                callback(err instanceof Error ? err : new Error(String(err)));
              },
            );
          if (whole.readableFlowing) void start();
          else whole.once('resume', () => void start());
        },
      });
      if (progress) whole.once('end', () => (progress.dataSent = true));
      // A process function reports its input's errors on its output.
      input.once('error', (err) => whole.destroy(err));
      return input.pipe(whole);
    });
  }
  done();
};

/** At most `permits` holders at a time; the rest wait in order. */
class Semaphore {
  private readonly waiting: (() => void)[] = [];
  private free: number;
  constructor(permits: number) {
    this.free = permits;
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

function toNodemailer(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    headers: mail.headers,
    attachments: mail.attachments,
    // Never let nodemailer fetch a URL or read a file named in the message.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

async function writeEml(dir: string, mail: OutgoingMail, message: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true });
  const id = mail.messageId.replace(/[^a-zA-Z0-9.-]+/g, '_').slice(0, 80);
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
  // Written then renamed, so a reader never sees half a message.
  await writeFile(`${file}.tmp`, message);
  await rename(`${file}.tmp`, file);
  return file;
}
