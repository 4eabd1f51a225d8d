import { createHmac, timingSafeEqual } from 'node:crypto';

// 128 bits of HMAC-SHA256: far beyond guessing, short enough for a URL.
const SIGNATURE_BYTES = 16;
/** The base64url length of a signature. */
export const SIGNATURE_CHARS = Math.ceil((SIGNATURE_BYTES * 4) / 3);

/** A truncated HMAC-SHA256 of `message`, base64url. Each purpose prefixes its own message. */
export function signature(message: string, secret: string): string {
  return createHmac('sha256', secret).update(message).digest().subarray(0, SIGNATURE_BYTES).toString('base64url');
}

/**
 * Whether `given` is the signature of `message` under one of `secrets` (the current one, then
 * retired ones still accepted). Every candidate is compared in constant time, all of them.
 */
export function signatureMatches(given: string, message: string, secrets: readonly string[]): boolean {
  const givenBytes = Buffer.from(given, 'base64url');
  // Only the canonical encoding counts: the last character carries bits a decoder ignores.
  if (givenBytes.length !== SIGNATURE_BYTES || givenBytes.toString('base64url') !== given) return false;
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signature(message, secret), 'base64url');
    valid = timingSafeEqual(givenBytes, expected) || valid;
  }
  return valid;
}

export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
