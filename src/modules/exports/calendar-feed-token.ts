import { signature, signatureMatches, SIGNATURE_CHARS, UUID_SHAPE } from './signed-token';

/** What a calendar feed URL proves: whose feed, and which version of it (reset bumps it). */
export interface CalendarFeedClaim {
  userId: string;
  version: number;
}

const message = ({ userId, version }: CalendarFeedClaim) => `calendar-feed:${userId}:${version}`;
const TOKEN_SHAPE = new RegExp(`^([0-9a-f-]{36})\\.([1-9][0-9]{0,8})\\.([A-Za-z0-9_-]{${SIGNATURE_CHARS}})$`);

/**
 * `<userId>.<version>.<HMAC>`: stateless, so nothing secret is stored; a reset bumps the version
 * in the users row and the old URL's version no longer matches.
 */
export function calendarFeedToken(claim: CalendarFeedClaim, secret: string): string {
  return `${claim.userId}.${claim.version}.${signature(message(claim), secret)}`;
}

/** The claim a token carries, or null for anything not signed with one of `secrets`. */
export function verifyCalendarFeedToken(token: string, secrets: readonly string[]): CalendarFeedClaim | null {
  const match = TOKEN_SHAPE.exec(token);
  if (!match || !UUID_SHAPE.test(match[1])) return null;
  const claim = { userId: match[1], version: Number(match[2]) };
  return signatureMatches(match[3], message(claim), secrets) ? claim : null;
}

export function calendarFeedUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/calendar/${token}.ics`;
}
