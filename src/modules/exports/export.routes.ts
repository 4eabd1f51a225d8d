import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import { verifyCalendarFeedToken } from './calendar-feed-token';
import type { DataExportService } from './data-export.service';
import { ExportFormat, verifyExportLinkToken } from './export-link';
import { exportIcs, exportJson, exportVCards } from './export-streams';
import { ICS_FOOTER, icsHeader, meetingVEvent } from './meetings-ics';

export interface ExportRoutesOptions {
  ds: DataSource;
  exports: DataExportService;
  /** Secrets a feed URL may be signed with: the current one, then retired ones still accepted. */
  feedSecrets: readonly string[];
}

/** How long a download waits for a client that stopped reading before it gives up. */
const STALL_MS = 30_000;
/** Subscribed calendars are asked to come back this often (and may cache this long). */
const FEED_TTL_SECONDS = 15 * 60;

// A secret URL must not travel on in a Referer, be indexed, or sit in a shared cache.
const PRIVATE_HEADERS = {
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
  'X-Content-Type-Options': 'nosniff',
};

const DOWNLOADS = {
  [ExportFormat.JSON]: { type: 'application/json; charset=utf-8', name: 'rapport-export', ext: 'json' },
  [ExportFormat.VCARD]: { type: 'text/vcard; charset=utf-8', name: 'rapport-contacts', ext: 'vcf' },
  [ExportFormat.ICS]: { type: 'text/calendar; charset=utf-8', name: 'rapport-meetings', ext: 'ics' },
};

function notFound(res: Response) {
  res.status(404).set(PRIVATE_HEADERS).set('Cache-Control', 'no-store').json({ error: 'not_found' });
}

/**
 * GET /export/<token>: the downloads `exportData` links to, streamed page by page. The signed,
 * short-lived token is the capability; a link for a suspended account, or one made before the
 * account's access was revoked, is refused like a forged one.
 */
export function exportRouter({ ds, exports }: ExportRoutesOptions): Router {
  const router = Router();
  router.get('/:token', async (req, res) => {
    const claim = verifyExportLinkToken(String(req.params.token), exports.linkSigningKey);
    if (!claim || !(await exports.mayDownload(claim))) return notFound(res);
    const release = exports.startDownload(claim.userId);
    if (!release) {
      res.status(429).set(PRIVATE_HEADERS).set({ 'Cache-Control': 'no-store', 'Retry-After': '30' });
      return void res.json({ error: 'download_in_progress' });
    }
    const now = new Date();
    const download = DOWNLOADS[claim.format];
    const chunks =
      claim.format === ExportFormat.JSON
        ? exportJson(ds, claim.userId, now)
        : claim.format === ExportFormat.VCARD
          ? exportVCards(ds, claim.userId)
          : exportIcs(ds, claim.userId, exports.calendarDomain);
    try {
      res
        .status(200)
        .set(PRIVATE_HEADERS)
        .set({
          'Content-Type': download.type,
          'Content-Disposition': `attachment; filename="${download.name}-${now.toISOString().slice(0, 10)}.${download.ext}"`,
          'Cache-Control': 'no-store',
        });
      await streamTo(req, res, chunks);
    } catch (err) {
      req.log?.error({ err }, 'export download failed');
      // Headers are out: cutting the connection tells the client the file is incomplete.
      if (res.headersSent) res.destroy();
      else res.status(500).json({ error: 'internal_error' });
    } finally {
      release();
    }
  });
  return router;
}

/** Writes chunks as the client takes them; stops reading the database when it goes away. */
async function streamTo(req: Request, res: Response, chunks: AsyncGenerator<string>) {
  for await (const chunk of chunks) {
    if (res.destroyed || req.destroyed) return void (await chunks.return(undefined));
    if (!res.write(chunk)) {
      // A client that stops reading must not hold the download slot (or a shutdown) forever.
      const stalled = new AbortController();
      const timer = setTimeout(() => stalled.abort(), STALL_MS);
      try {
        await Promise.race([once(res, 'drain', { signal: stalled.signal }), once(res, 'close')]);
      } catch {
        res.destroy();
        return void (await chunks.return(undefined));
      } finally {
        clearTimeout(timer);
      }
    }
  }
  res.end();
}

/**
 * GET /calendar/<token>.ics: the user's meetings as a live feed. One bounded query per request;
 * the ETag lets calendars that poll often get a 304 without a body.
 */
export function calendarFeedRouter({ exports, feedSecrets }: ExportRoutesOptions): Router {
  const router = Router();
  router.get('/:file', async (req, res) => {
    const file = String(req.params.file);
    const claim = file.endsWith('.ics') ? verifyCalendarFeedToken(file.slice(0, -4), feedSecrets) : null;
    const meetings = claim ? await exports.feedMeetings(claim) : null;
    if (!meetings) return notFound(res);
    const body =
      icsHeader('Rapport meetings', FEED_TTL_SECONDS) +
      meetings.map((m) => meetingVEvent(m, exports.calendarDomain)).join('') +
      ICS_FOOTER;
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    res.set(PRIVATE_HEADERS).set({
      'Cache-Control': `private, max-age=${FEED_TTL_SECONDS}`,
      ETag: etag,
    });
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.status(200).type('text/calendar; charset=utf-8').send(body);
  });
  return router;
}
