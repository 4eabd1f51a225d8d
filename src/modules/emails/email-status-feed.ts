import type { DataSource } from 'typeorm';
import type { LivePublisher } from '../../core/live/live-events';
import type { Logger } from '../../core/logger';
import type { EmailStatus } from './email-kind';

/** The live-updates topic of scheduled emails' status changes. */
export const SCHEDULED_EMAIL_CHANGED = 'scheduledEmailChanged';

/** Changes one event lists at most; past it the event says `truncated` (refetch the list). */
export const MAX_CHANGES_PER_EVENT = 50;

/** A scheduled email's new status, committed. `userId` when the caller has it (else it is looked up). */
export interface EmailStatusChange {
  id: string;
  status: EmailStatus;
  userId?: string;
}

/** What a subscriber of `scheduledEmailChanged` receives (serialised through Redis). */
export interface ScheduledEmailChangedPayload {
  emails: { id: string; status: EmailStatus }[];
  truncated: boolean;
  at: string;
}

// Past this many buffered changes the buffer is sent at once rather than grow.
const MAX_BUFFERED = 5_000;

/**
 * Announces committed status changes of scheduled emails to their users' devices: buffered for a
 * moment (a send, a batch of sends, a plan of thousands), then one PUBLISH per user with up to
 * MAX_CHANGES_PER_EVENT changes, the latest status of each email. Off the email pipeline's path:
 * `changed` only records, and a failure is logged, never thrown (Postgres stays the truth; a
 * client refetches on reconnect).
 */
export class EmailStatusFeed {
  private pending = new Map<string, EmailStatusChange>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    private readonly live: LivePublisher,
    private readonly logger: Logger,
    private readonly lingerMs = 50,
  ) {}

  changed(changes: readonly EmailStatusChange[]): void {
    if (!changes.length) return;
    for (const change of changes) {
      const known = this.pending.get(change.id);
      // A later change of the same email replaces the earlier one (keeping its user when known).
      this.pending.set(change.id, { ...change, userId: change.userId ?? known?.userId });
    }
    if (this.pending.size >= MAX_BUFFERED) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
  }

  /** Sends what is buffered now and waits for it (shutdown). */
  async close(): Promise<void> {
    this.flush();
    await this.flushing;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.size) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(() =>
      this.publish(batch).catch((err: unknown) =>
        this.logger.warn({ err, emails: batch.length }, 'could not announce email status changes'),
      ),
    );
  }

  private async publish(batch: EmailStatusChange[]): Promise<void> {
    const unknown = batch.filter((c) => !c.userId).map((c) => c.id);
    const owners = new Map<string, string>();
    if (unknown.length) {
      const rows: { id: string; user_id: string }[] = await this.ds.query(
        'SELECT id, user_id FROM scheduled_emails WHERE id = ANY($1::uuid[])',
        [unknown],
      );
      for (const r of rows) owners.set(r.id, r.user_id);
    }
    const byUser = new Map<string, { id: string; status: EmailStatus }[]>();
    for (const change of batch) {
      // A row gone with its account has nobody left to tell.
      const userId = change.userId ?? owners.get(change.id);
      if (!userId) continue;
      let list = byUser.get(userId);
      if (!list) byUser.set(userId, (list = []));
      list.push({ id: change.id, status: change.status });
    }
    const at = new Date().toISOString();
    for (const [userId, emails] of byUser) {
      const payload: ScheduledEmailChangedPayload = {
        emails: emails.slice(0, MAX_CHANGES_PER_EVENT),
        truncated: emails.length > MAX_CHANGES_PER_EVENT,
        at,
      };
      this.live.publish(SCHEDULED_EMAIL_CHANGED, userId, payload);
    }
  }
}
