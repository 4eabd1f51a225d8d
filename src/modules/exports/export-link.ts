import { createHmac } from 'node:crypto';
import { signature, signatureMatches, SIGNATURE_CHARS, UUID_SHAPE } from './signed-token';

/** The downloads `exportData` links to. */
export enum ExportFormat {
  JSON = 'json',
  VCARD = 'vcf',
  ICS = 'ics',
}

/** A download link works this long after it was made; only the start of the download counts. */
export const EXPORT_LINK_TTL_MS = 15 * 60_000;

export interface ExportLinkClaim {
  format: ExportFormat;
  userId: string;
  /** When the link was made (ms since the epoch); access revoked after it refuses the link. */
  issuedAt: number;
}

const FORMATS = new Set<string>(Object.values(ExportFormat));
const TOKEN_SHAPE = new RegExp(
  `^(json|vcf|ics)\\.([0-9a-f-]{36})\\.([1-9][0-9]{12})\\.([A-Za-z0-9_-]{${SIGNATURE_CHARS}})$`,
);
const message = (c: ExportLinkClaim) => `export:${c.format}:${c.userId}:${c.issuedAt}`;

/**
 * Export links live as long as a short access token and are cut off the same way, so they are
 * signed with a key derived from JWT_SECRET (a separate purpose, a separate key).
 */
export function exportLinkKey(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('rapport:export-links').digest('base64url');
}

export function exportLinkToken(claim: ExportLinkClaim, key: string): string {
  return `${claim.format}.${claim.userId}.${claim.issuedAt}.${signature(message(claim), key)}`;
}

/** The claim of a genuine, unexpired link, or null. */
export function verifyExportLinkToken(token: string, key: string, now = Date.now()): ExportLinkClaim | null {
  const match = TOKEN_SHAPE.exec(token);
  if (!match || !FORMATS.has(match[1]) || !UUID_SHAPE.test(match[2])) return null;
  const claim = { format: match[1] as ExportFormat, userId: match[2], issuedAt: Number(match[3]) };
  // A minute of clock skew between API processes; nothing issued in the future beyond that.
  if (claim.issuedAt > now + 60_000 || now - claim.issuedAt > EXPORT_LINK_TTL_MS) return null;
  return signatureMatches(match[4], message(claim), [key]) ? claim : null;
}

export function exportLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/export/${token}`;
}
