import type { DataSource } from 'typeorm';
import type { Config } from '../../core/config';
import { NotFoundError } from '../../core/errors';
import type { AuthUser } from '../auth/access-tokens';
import { hostOf } from '../emails/rendering/calendar-invite';
import { calendarFeedToken, calendarFeedUrl, type CalendarFeedClaim } from './calendar-feed-token';
import { ICS_MEETING_COLUMNS } from './export-streams';
import {
  EXPORT_LINK_TTL_MS,
  ExportFormat,
  exportLinkKey,
  exportLinkToken,
  exportLinkUrl,
  type ExportLinkClaim,
} from './export-link';
import type { IcsMeeting } from './meetings-ics';

/** The feed covers meetings that started at most this long ago, and every future one … */
export const FEED_PAST_DAYS = 365;
/** … up to this many, so one feed request costs one bounded query. */
export const FEED_MAX_EVENTS = 2000;
/** Downloads running at once per process; each holds a connection only while it reads a page. */
const MAX_RUNNING_DOWNLOADS = 8;

export interface ExportLinks {
  json: string;
  vcard: string;
  ics: string;
  expiresAt: Date;
}

/** Links to a user's data, and who may still follow them. */
export class DataExportService {
  private readonly linkKey: string;
  private readonly running = new Set<string>();
  /** Host name the calendar UIDs end in, the same as the invitations' (PUBLIC_URL's host). */
  readonly calendarDomain: string;

  constructor(
    private readonly ds: DataSource,
    private readonly config: Pick<Config, 'http' | 'auth' | 'calendarFeed'>,
  ) {
    this.linkKey = exportLinkKey(config.auth.jwtSecret);
    this.calendarDomain = hostOf(config.http.publicUrl);
  }

  get linkSigningKey(): string {
    return this.linkKey;
  }

  /** Short-lived signed links to the JSON document, the vCards and the calendar. */
  exportLinks(user: AuthUser, now = Date.now()): ExportLinks {
    const link = (format: ExportFormat) =>
      exportLinkUrl(
        this.config.http.publicUrl,
        exportLinkToken({ format, userId: user.id, issuedAt: now }, this.linkKey),
      );
    return {
      json: link(ExportFormat.JSON),
      vcard: link(ExportFormat.VCARD),
      ics: link(ExportFormat.ICS),
      expiresAt: new Date(now + EXPORT_LINK_TTL_MS),
    };
  }

  /**
   * Whether the account behind a link may still download: it exists, is not suspended, and its
   * access was not revoked after the link was made (the same cut-off access tokens obey).
   */
  async mayDownload(claim: ExportLinkClaim): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM users WHERE id = $1 AND suspended_at IS NULL
          AND (access_revoked_at IS NULL OR access_revoked_at < to_timestamp($2::double precision / 1000))`,
      [claim.userId, claim.issuedAt],
    );
    return rows.length === 1;
  }

  /**
   * Claims a download slot: one download per user at a time, a few per process. Returns the
   * release function, or null when none is free.
   */
  startDownload(userId: string): (() => void) | null {
    if (this.running.has(userId) || this.running.size >= MAX_RUNNING_DOWNLOADS) return null;
    this.running.add(userId);
    return () => this.running.delete(userId);
  }

  async feedUrl(user: AuthUser): Promise<string> {
    const rows: { version: number }[] = await this.ds.query(
      'SELECT calendar_feed_version AS version FROM users WHERE id = $1',
      [user.id],
    );
    if (!rows[0]) throw new NotFoundError('User');
    return this.urlFor({ userId: user.id, version: rows[0].version });
  }

  /** A new feed URL; the previous one stops working at once. */
  async resetFeed(user: AuthUser): Promise<string> {
    const rows: { version: number }[] = await this.ds.query(
      // Wrapped in a SELECT: the driver answers a bare UPDATE … RETURNING with [rows, count].
      `WITH bumped AS (
         UPDATE users SET calendar_feed_version = calendar_feed_version + 1 WHERE id = $1
         RETURNING calendar_feed_version AS version
       ) SELECT version FROM bumped`,
      [user.id],
    );
    if (!rows[0]) throw new NotFoundError('User');
    return this.urlFor({ userId: user.id, version: rows[0].version });
  }

  /**
   * The meetings a feed URL shows, in one query, or null when the URL no longer works (reset,
   * account suspended or deleted). Meetings from the last FEED_PAST_DAYS and all future ones.
   */
  async feedMeetings(claim: CalendarFeedClaim): Promise<IcsMeeting[] | null> {
    const rows: (IcsMeeting & { feedUser: string })[] = await this.ds.query(
      `SELECT u.id AS "feedUser", m.*
         FROM users u
         LEFT JOIN LATERAL (
           SELECT ${ICS_MEETING_COLUMNS} FROM meetings m
            WHERE m.user_id = u.id AND m.starts_at >= now() - make_interval(days => $3)
            ORDER BY m.starts_at, m.id LIMIT $4
         ) m ON true
        WHERE u.id = $1 AND u.calendar_feed_version = $2 AND u.suspended_at IS NULL`,
      [claim.userId, claim.version, FEED_PAST_DAYS, FEED_MAX_EVENTS],
    );
    if (!rows.length) return null;
    return rows.filter((r) => r.id !== null).map(({ feedUser: _, ...meeting }) => meeting);
  }

  private urlFor(claim: CalendarFeedClaim): string {
    return calendarFeedUrl(this.config.http.publicUrl, calendarFeedToken(claim, this.config.calendarFeed.secret));
  }
}
