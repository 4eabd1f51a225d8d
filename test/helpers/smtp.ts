import type { AddressInfo, Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './eventually';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: string;
  parsed: ParsedMail;
  /**
   * false when the server read the whole message and then dropped the connection without a
   * reply ('drop-after-data'): the sender cannot know, and a real server may have delivered it.
   */
  accepted: boolean;
}

/**
 * How the sink treats the next commands (on new and already open connections alike):
 * - `accept`: delivers everything (the default);
 * - `refuse`: not listening, so connecting fails with ECONNREFUSED; open connections are cut;
 * - `close-on-connect`: accepts TCP connections and closes them before the greeting;
 * - `reject-rcpt` / `reject-data`: `550 5.1.1 No such user` to RCPT TO / after the message data;
 * - `tempfail-rcpt` / `tempfail-data`: `451 4.3.0 Try again later` at the same points;
 * - `drop-before-data`: cuts the connection at RCPT TO, before any message data;
 * - `drop-after-data`: reads the whole message, then cuts the connection without replying (the
 *   "SMTP gap": the sender cannot tell whether it was delivered).
 */
export type SmtpMode =
  | 'accept'
  | 'refuse'
  | 'close-on-connect'
  | 'reject-rcpt'
  | 'reject-data'
  | 'tempfail-rcpt'
  | 'tempfail-data'
  | 'drop-before-data'
  | 'drop-after-data';

export interface SmtpSink {
  url: string;
  port: number;
  /** Every message whose data arrived completely and was accepted or dropped in the gap. */
  messages: ReceivedMail[];
  /** How many times a message with this Message-ID (`<…>`) arrived. */
  count(messageId: string): number;
  /** Message-IDs that arrived more than once. */
  duplicates(): string[];
  /** Waits until at least `count` messages arrived; returns them all. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  setMode(mode: SmtpMode): Promise<void>;
  readonly mode: SmtpMode;
  close(): Promise<void>;
}

const reply = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
const noSuchUser = () => reply(550, '5.1.1 No such user');
const tryLater = () => reply(451, '4.3.0 Try again later');

/** A real SMTP server on loopback that keeps and parses everything it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let mode: SmtpMode = 'accept';
  // The client sockets by remote port, so a session can be cut from inside a command handler.
  const sockets = new Map<number, Socket>();
  const cut = (session: { remotePort: number }) => sockets.get(session.remotePort)?.destroy();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, session, callback) {
      if (mode === 'reject-rcpt') return callback(noSuchUser());
      if (mode === 'tempfail-rcpt') return callback(tryLater());
      if (mode === 'drop-before-data') return cut(session);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const now = mode;
        if (now === 'reject-data') return callback(noSuchUser());
        if (now === 'tempfail-data') return callback(tryLater());
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(raw)
          .then((parsed) => {
            messages.push({ envelope, raw, parsed, accepted: now !== 'drop-after-data' });
            if (now === 'drop-after-data') cut(session);
            else callback();
          })
          .catch(callback);
      });
    },
  });
  // Cut connections make the server report socket errors; they are the point of the exercise.
  server.on('error', () => {});
  server.server.on('connection', (socket: Socket) => {
    if (mode === 'close-on-connect') return socket.destroy();
    const port = socket.remotePort!;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.server.close(() => resolve());
      for (const socket of sockets.values()) socket.destroy();
    });

  await listen(0);
  const { port } = server.server.address() as AddressInfo;
  const count = (messageId: string) => messages.filter((m) => m.parsed.messageId === messageId).length;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    count,
    duplicates: () => [...new Set(messages.map((m) => m.parsed.messageId ?? ''))].filter((id) => count(id) > 1),
    waitFor: (n, timeoutMs = 10_000) =>
      eventually(
        () => {
          if (messages.length < n) throw new Error(`${messages.length} of ${n} messages arrived`);
          return messages;
        },
        { timeoutMs },
      ),
    get mode() {
      return mode;
    },
    setMode: async (next) => {
      // The same port throughout, so a sender configured with `url` reconnects once it is back.
      if (next === 'refuse' && mode !== 'refuse') await stopListening();
      if (next !== 'refuse' && mode === 'refuse') await listen(port);
      mode = next;
    },
    close: async () => {
      if (mode === 'refuse') return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
