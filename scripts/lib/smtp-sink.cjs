'use strict';
// The one SMTP sink of the repository, shared by the tests (test/helpers/smtp.ts) and the email
// benchmark (bench/email.mjs). Plain CommonJS so both can import it (types in smtp-sink.d.cts).
// `parse: false` keeps the hot path cheap for the benchmark: the Message-ID is read from the
// header block, no mailparser, no bodies kept beyond the first sample.

const { Buffer } = require('node:buffer');
const { eventually } = require('./eventually.cjs');

const MESSAGE_ID = /^message-id:[ \t]*(<[^>\r\n]+>)/im;

const reply = (code, text) => Object.assign(new Error(text), { responseCode: code });
const noSuchUser = () => reply(550, '5.1.1 No such user');
const tryLater = () => reply(451, '4.3.0 Try again later');
const policyRejection = () => reply(554, '5.7.1 Message rejected as spam');
const tooLarge = () => reply(552, '5.3.4 Message too big for system');
const busy = () => reply(421, '4.7.0 Too busy, try again later');

// Mode 'by-recipient': what the recipient's local part starts with (up to its first '-') says
// how the sink answers it, so one batch can mix every reply. 'busy' and 'later' fail the first
// attempt for each address only; the others answer the same every time.
const RCPT_REPLIES = { gone: noSuchUser, busy, later: tryLater };
const DATA_REPLIES = { policy: policyRejection, big: tooLarge, 'later.data': tryLater };
const ONCE = new Set(['busy', 'later', 'later.data']);
const behaviourOf = (address) => /^([^-@]*)-/.exec(address)?.[1] ?? 'ok';

/** A real SMTP server on loopback; see SmtpSink and SmtpMode in smtp-sink.d.cts. */
async function startSmtpSink({ parse = true } = {}) {
  const { SMTPServer } = require('smtp-server');
  const simpleParser = parse ? require('mailparser').simpleParser : null;
  const messages = [];
  const arrivals = new Map(); // Message-ID → arrival times (ms since the epoch, the sink's clock)
  let total = 0;
  let bytes = 0;
  let sample = null;
  let mode = 'accept';
  let slowMs = 0; // the delay of each reply to the message data, in mode 'slow'
  const attempts = new Map(); // address → times a 'by-recipient' reply was given
  // The scripted reply for this address in mode 'by-recipient' (null: deliver), counted.
  const scripted = (address, replies) => {
    const behaviour = behaviourOf(address);
    const make = replies[behaviour];
    if (!make) return null;
    const n = attempts.get(address) ?? 0;
    if (ONCE.has(behaviour) && n >= 1) return null;
    attempts.set(address, n + 1);
    return make();
  };
  // The client sockets by remote port, so a session can be cut from inside a command handler.
  const sockets = new Map();
  const cut = (session) => sockets.get(session.remotePort)?.destroy();

  const record = (id, at, size) => {
    const key = id ?? `<missing-${total}>`;
    const seen = arrivals.get(key);
    if (seen) seen.push(at);
    else arrivals.set(key, [at]);
    total++;
    bytes += size;
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    maxClients: 100,
    onRcptTo(address, session, callback) {
      if (mode === 'reject-rcpt') return callback(noSuchUser());
      if (mode === 'tempfail-rcpt') return callback(tryLater());
      if (mode === 'drop-before-data') return cut(session);
      if (mode === 'by-recipient') {
        const to = address.address.toLowerCase();
        // 'stall-…': the reply to RCPT TO comes only after `delayMs` (a server slow to accept recipients).
        if (behaviourOf(to) === 'stall') return setTimeout(callback, slowMs);
        return callback(scripted(to, RCPT_REPLIES) ?? undefined);
      }
      callback();
    },
    onData(stream, session, callback) {
      let head = '';
      let size = 0;
      const chunks = parse || !sample ? [] : null;
      stream.on('data', (chunk) => {
        size += chunk.length;
        if (chunks) chunks.push(chunk);
        if (!parse && head.length < 65_536 && !head.includes('\r\n\r\n')) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const at = Date.now();
        const now = mode;
        if (now === 'reject-data') return callback(noSuchUser());
        if (now === 'tempfail-data') return callback(tryLater());
        if (now === 'policy-data') return callback(policyRejection());
        if (now === 'too-large-data') return callback(tooLarge());
        const rcpt = session.envelope.rcptTo[0]?.address.toLowerCase() ?? '';
        const refusal = now === 'by-recipient' ? scripted(rcpt, DATA_REPLIES) : null;
        if (refusal) return callback(refusal);
        const slow = now === 'slow' || (now === 'by-recipient' && behaviourOf(rcpt) === 'slow');
        const raw = chunks && Buffer.concat(chunks);
        if (raw && !sample) sample = raw;
        // What happens once the message is kept: a sender in the gap gets no reply at all.
        const reply = () => (now === 'drop-after-data' ? cut(session) : callback());
        const done = () => (slow ? setTimeout(reply, slowMs) : reply());
        if (!parse) {
          record(MESSAGE_ID.exec(head.split('\r\n\r\n')[0])?.[1], at, size);
          return done();
        }
        const text = raw.toString('utf8');
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(text)
          .then((parsed) => {
            messages.push({ envelope, raw: text, parsed, accepted: now !== 'drop-after-data' });
            record(parsed.messageId, at, size);
            done();
          })
          .catch(callback);
      });
    },
  });
  // Cut connections make the server report socket errors; they are the point of the exercise.
  server.on('error', () => {});
  server.server.on('connection', (socket) => {
    if (mode === 'close-on-connect') return socket.destroy();
    const port = socket.remotePort;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });

  const listen = (port) =>
    new Promise((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise((resolve) => {
      server.server.close(() => resolve());
      for (const socket of sockets.values()) socket.destroy();
    });

  await listen(0);
  const { port } = server.server.address();
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    arrivals,
    get total() {
      return total;
    },
    get connections() {
      return sockets.size;
    },
    get bytes() {
      return bytes;
    },
    get sample() {
      return sample;
    },
    count: (messageId) => arrivals.get(messageId)?.length ?? 0,
    refusals: (address) => attempts.get(address.toLowerCase()) ?? 0,
    countOf: (ids) => {
      let n = 0;
      for (const id of ids) if (arrivals.has(id)) n++;
      return n;
    },
    duplicates: () => [...arrivals.entries()].filter(([, at]) => at.length > 1).map(([id]) => id),
    waitFor: (n, timeoutMs = 10_000) =>
      eventually(
        () => {
          if (total < n) throw new Error(`${total} of ${n} messages arrived`);
          return messages;
        },
        { timeoutMs },
      ),
    get mode() {
      return mode;
    },
    setMode: async (next, options = {}) => {
      slowMs = options.delayMs ?? 1000;
      // The same port throughout, so a sender configured with `url` reconnects once it is back.
      if (next === 'refuse' && mode !== 'refuse') await stopListening();
      if (next !== 'refuse' && mode === 'refuse') await listen(port);
      mode = next;
    },
    close: async () => {
      if (mode === 'refuse') return;
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { startSmtpSink };
