import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../core/config';

// 128 bits of HMAC-SHA256: far beyond guessing, and short enough to keep links readable.
const SIGNATURE_BYTES = 16;
const SIGNATURE_CHARS = Math.ceil((SIGNATURE_BYTES * 4) / 3);
// RFC 5321 caps a path at 256 octets; anything longer is not a token we issued.
const MAX_EMAIL_LENGTH = 320;
const TOKEN_SHAPE = new RegExp(
  `^([A-Za-z0-9_-]{4,${Math.ceil((MAX_EMAIL_LENGTH * 4) / 3)}})\\.([A-Za-z0-9_-]{${SIGNATURE_CHARS}})$`,
);

function sign(email: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`unsubscribe:${email}`).digest().subarray(0, SIGNATURE_BYTES);
}

/**
 * The capability to unsubscribe one address: base64url(address) + '.' + a truncated HMAC of it.
 * Stateless, so a link keeps working while its secret is current or listed as a previous one.
 */
export function unsubscribeToken(email: string, secret: string): string {
  const normalized = email.trim().toLowerCase();
  return `${Buffer.from(normalized, 'utf8').toString('base64url')}.${sign(normalized, secret).toString('base64url')}`;
}

/**
 * The (lower-cased) address a token was issued for, or null for anything we did not sign with
 * one of `secrets` (the current one and those retired but still accepted).
 */
export function verifyUnsubscribeToken(token: string, secrets: string | readonly string[]): string | null {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return null;
  const email = Buffer.from(match[1], 'base64url').toString('utf8');
  // Re-encoding must give back the same text, so one address has exactly one valid token.
  if (Buffer.from(email, 'utf8').toString('base64url') !== match[1]) return null;
  if (email !== email.toLowerCase() || !/^[^\s@<>]+@[^\s@<>]+$/.test(email)) return null;
  const given = Buffer.from(match[2], 'base64url');
  // The last base64 character carries spare bits a decoder ignores; only the canonical form counts.
  if (given.toString('base64url') !== match[2]) return null;
  let valid = false;
  // Every candidate is compared in constant time, and all of them, whichever matches.
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = sign(email, secret);
    valid = (given.length === expected.length && timingSafeEqual(given, expected)) || valid;
  }
  return valid ? email : null;
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/unsubscribe/${token}`;
}

/**
 * RFC 2369 + RFC 8058 headers for contact-facing mail. Mail providers use the https URL for
 * their one-click "Unsubscribe" button (a POST with `List-Unsubscribe=One-Click`).
 *
 * The mailto address is informational only: Rapport does not receive mail yet, so nothing acts
 * on a message sent to it until inbound handling exists. Note that a long recipient address
 * makes its local part longer than the 64 octets RFC 5321 allows; strict servers may refuse it.
 */
export function listUnsubscribeHeaders(
  email: string,
  config: {
    http: Pick<Config['http'], 'publicUrl'>;
    email: Pick<Config['email'], 'unsubscribeSecret' | 'messageIdDomain'>;
  },
): { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': string } {
  const token = unsubscribeToken(email, config.email.unsubscribeSecret);
  const mailto = `mailto:unsubscribe+${token}@${config.email.messageIdDomain}?subject=unsubscribe`;
  return {
    'List-Unsubscribe': `<${mailto}>, <${unsubscribeUrl(config.http.publicUrl, token)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
