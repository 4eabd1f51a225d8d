import type { ParsedMail } from 'mailparser';

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
 * - `policy-data`: `554 5.7.1 Message rejected as spam` after the message data (a content rejection);
 * - `too-large-data`: `552 5.3.4 Message too big for system` after the message data;
 * - `tempfail-rcpt` / `tempfail-data`: `451 4.3.0 Try again later` at the same points;
 * - `drop-before-data`: cuts the connection at RCPT TO, before any message data;
 * - `drop-after-data`: reads the whole message, then cuts the connection without replying (the
 *   "SMTP gap": the sender cannot tell whether it was delivered);
 * - `slow`: delivers everything, but answers each message's data only after `delayMs` (default 1 s);
 * - `by-recipient`: the recipient's local part up to its first `-` decides: `gone-…` gets
 *   `550 5.1.1` at RCPT TO; `busy-…` `421 4.7.0` and `later-…` `451 4.3.0` at RCPT TO, and
 *   `later.data-…` `451` after the data, each on the first attempt only; `policy-…` `554 5.7.1`
 *   and `big-…` `552 5.3.4` after the data; `slow-…` is answered after `delayMs` (its data),
 *   `stall-…` after `delayMs` at RCPT TO; anything else is delivered.
 */
export type SmtpMode =
  | 'accept'
  | 'refuse'
  | 'close-on-connect'
  | 'reject-rcpt'
  | 'reject-data'
  | 'policy-data'
  | 'too-large-data'
  | 'tempfail-rcpt'
  | 'tempfail-data'
  | 'drop-before-data'
  | 'drop-after-data'
  | 'slow'
  | 'by-recipient';

export interface SmtpSinkOptions {
  /**
   * true (the default, for tests): every message is parsed with mailparser and kept in
   * `messages`. false (for the benchmark): messages are only counted by the Message-ID read from
   * the header block, and only the first one is kept raw (`sample`).
   */
  parse?: boolean;
}

export interface SmtpSink {
  url: string;
  port: number;
  /** Every message whose data arrived completely and was accepted or dropped in the gap (parse mode only). */
  messages: ReceivedMail[];
  /** Message-ID (`<…>`) → when each copy arrived (ms since the epoch, by the sink's clock). */
  arrivals: Map<string, number[]>;
  /** How many messages arrived, copies included, and their size in bytes. */
  readonly total: number;
  readonly bytes: number;
  /** Client connections open now. */
  readonly connections: number;
  /** The first message as received, raw. */
  readonly sample: Buffer | null;
  /** How many times a message with this Message-ID (`<…>`) arrived. */
  count(messageId: string): number;
  /** How many refusals mode `by-recipient` gave this address. */
  refusals(address: string): number;
  /** How many of these Message-IDs arrived at least once. */
  countOf(ids: Iterable<string>): number;
  /** Message-IDs that arrived more than once. */
  duplicates(): string[];
  /** Waits until at least `count` messages arrived; returns `messages`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  setMode(mode: SmtpMode, options?: { delayMs?: number }): Promise<void>;
  readonly mode: SmtpMode;
  close(): Promise<void>;
}

/** A real SMTP server on loopback (127.0.0.1, a free port) in mode `accept`. */
export declare function startSmtpSink(options?: SmtpSinkOptions): Promise<SmtpSink>;
