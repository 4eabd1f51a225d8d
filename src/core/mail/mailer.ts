import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
    private readonly deliver: (mail: OutgoingMail) => Promise<SendResult>,
  ) {}

  static create(config: Config['mail']): Mailer {
    if (config.transport === 'smtp') {
      const transport = nodemailer.createTransport({
        url: config.smtpUrl,
        pool: true,
        maxConnections: 5,
        maxMessages: 1000,
        connectionTimeout: 5_000,
        greetingTimeout: 5_000,
        socketTimeout: 20_000,
      } as Parameters<typeof nodemailer.createTransport>[0]);
      return new Mailer(transport, async (mail) => {
        const info = await transport.sendMail(toNodemailer(mail));
        return { messageId: info.messageId, response: String(info.response) };
      });
    }
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    return new Mailer(transport, async (mail) => {
      const info = await transport.sendMail(toNodemailer(mail));
      const file = await writeEml(config.dir, mail, info.message as Buffer);
      return { messageId: info.messageId, response: `written to ${file}` };
    });
  }

  async send(mail: OutgoingMail): Promise<SendResult> {
    assertNoLineBreaks(mail);
    return this.deliver(mail);
  }

  close(): void {
    this.transport.close();
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
