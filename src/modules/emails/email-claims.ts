import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from '../../core/config';
import { isPgError } from '../../core/db/pg-errors';
import { queryPrepared } from '../../core/db/prepared';
import { isUuid } from '../../core/ids';
import { Batcher } from './batching';
import type { Renderable } from './email-composer';
import {
  emailDataFrom,
  emailDataSelect,
  type DataRow,
  type EmailData,
  type RenderContextOptions,
} from './email-context';
import { CONTACT_FACING, type EmailKind } from './email-kind';
import type { ScheduledEmail } from './scheduled-email.entity';

/**
 * The columns of a claimed row the sender works with, and the lease of this claim: a value of
 * lease_owner no other claim ever had, which every later write of this job requires.
 */
export type ClaimedEmail = Renderable & Pick<ScheduledEmail, 'id' | 'attempts'> & { leaseOwner: string };

/**
 * The three statements every email needs — claim, "SMTP started" and "sent" — each run for every
 * email that reached that step meanwhile (batched across the jobs in flight). Each row keeps its
 * own conditions, and holds only while this claim's lease does; a batch is one transaction.
 *
 * A lease belongs to one claim, not to the process: `workerId/uuid`, new for every claim
 * statement, so a row this process claimed again (its first lease expired and the reconciler
 * released it) is written only by the job holding the newer claim. While a row is held, its lease
 * is renewed (`hold`), so a send that waits for an SMTP connection never looks abandoned.
 */
export class EmailClaims {
  constructor(
    private readonly ds: DataSource,
    private readonly config: Config,
    /** Identifies this worker in leases, e.g. `hostname:pid`. */
    private readonly workerId: string,
    /** What the email shows, for reading it with the claim (EmailComposer.dataOptions). */
    private readonly dataOptions: (row: Renderable) => RenderContextOptions,
    /**
     * Connections on which the three statements always run on their generic plan (they take
     * arrays of one to 200 ids; see createGenericPlanPool).
     */
    private readonly genericPlans: Pool,
  ) {}

  /** Rows held by jobs of this process: id → lease owner. Their leases are renewed until `release`. */
  private readonly held = new Map<string, string>();
  private renewal: NodeJS.Timeout | null = null;

  private readonly claims = new Batcher((ids: string[]) => this.claimAll(ids), CLAIM_BATCHING);
  private readonly starts = new Batcher(
    (items: { id: string; owner: string; subject: string }[]) => this.startAll(items),
    START_BATCHING,
  );
  private readonly sends = new Batcher(
    (items: { row: ClaimedEmail; response: string }[]) => this.sentAll(items),
    SENT_BATCHING,
  );

  /**
   * The conditional claim: only a due PENDING row moves to SENDING, by the database clock. The
   * same statement records the CLAIMED event and reads, as they are at that moment, everything
   * the re-checks look at and the message shows (one read serves both).
   */
  async claim(id: string): Promise<{ row: ClaimedEmail; data: EmailData } | null> {
    // A timer whose id cannot be a row's has nothing to claim, and must not fail a whole batch.
    if (!isUuid(id)) return null;
    const r = await this.claims.submit(id);
    if (!r) return null;
    const row: ClaimedEmail = {
      id: r.id,
      userId: r.user_id,
      meetingId: r.meeting_id,
      contactId: r.contact_id,
      kind: r.kind,
      toEmail: r.to_email,
      toName: r.to_name,
      subjectOverride: r.subject_override,
      bodyOverride: r.body_override,
      messageId: r.message_id,
      attempts: r.attempts,
      leaseOwner: r.lease_owner,
    };
    const data = await emailDataFrom(this.ds.manager, r, this.dataOptions(row));
    // The statement lower-cases ASCII only (collation "C"), exactly as JavaScript does; any other
    // address is looked up again as the suppression list stores it.
    if (!data.facts.suppressedReason && NON_ASCII.test(row.toEmail)) {
      const [suppressed]: { reason: string }[] = await this.ds.query(
        'SELECT reason FROM email_suppressions WHERE email = $1',
        [row.toEmail.toLowerCase()],
      );
      data.facts.suppressedReason = suppressed?.reason ?? null;
    }
    return { row, data };
  }

  /**
   * Keeps renewing the row's lease (every third of the lease) until `release`: a job that is alive
   * holds its row, however long it waits for SMTP. Only a dead or hung process lets a lease expire.
   */
  hold(row: ClaimedEmail): void {
    this.held.set(row.id, row.leaseOwner);
    this.renewal ??= setInterval(
      () => void this.renew().catch(() => undefined),
      (this.config.email.leaseSeconds * 1000) / 3,
    ).unref();
  }

  release(row: ClaimedEmail): void {
    if (this.held.get(row.id) === row.leaseOwner) this.held.delete(row.id);
  }

  /** Stops renewing leases (the process is closing; its jobs have finished or are abandoned). */
  close(): void {
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
    this.held.clear();
  }

  /** Extends the leases of the rows this process's claims still hold (one statement for all). */
  private async renew(): Promise<void> {
    if (!this.held.size) return;
    const held = [...this.held];
    await this.genericPlans.query(RENEW, [
      held.map(([id]) => id),
      held.map(([, owner]) => owner),
      this.config.email.leaseSeconds,
    ]);
  }

  /**
   * Records that the message is being handed to SMTP (with its subject); false if this claim no
   * longer holds the row. From then on a lost lease means "maybe delivered": the reconciler marks
   * it UNCERTAIN, never re-sends.
   */
  start(row: ClaimedEmail, subject: string): Promise<boolean> {
    return this.starts.submit({ id: row.id, owner: row.leaseOwner, subject });
  }

  /**
   * Records the send: SENT only while this claim still holds the lease (or from UNCERTAIN: if
   * the reconciler gave up on our lease, we now know it went out), the SENT event either way, and
   * — for mail to a contact — the restart of that contact's keep-in-touch clock. True if the row
   * was marked SENT.
   */
  markSent(row: ClaimedEmail, response: string): Promise<boolean> {
    return this.sends.submit({ row, response });
  }

  /** Claims a batch of rows; each id gets its claimed row, or null (not due, not PENDING, or asked twice). */
  private async claimAll(ids: string[]): Promise<((ClaimedRow & DataRow) | null)[]> {
    // This statement's own lease: no later claim of these rows, by this process or another, has it.
    const rows = await queryPrepared<ClaimedRow & DataRow>(this.genericPlans, CLAIM, [
      ids,
      `${this.workerId}/${randomUUID()}`,
      this.config.email.leaseSeconds,
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    // A row claimed once goes to one job only, even if two of its timers fired together.
    return ids.map((id) => {
      const r = byId.get(id) ?? null;
      byId.delete(id);
      return r;
    });
  }

  /** Sets smtp_started_at on rows their claims still hold; true for each that it did. */
  private async startAll(items: { id: string; owner: string; subject: string }[]): Promise<boolean[]> {
    const started = await queryPrepared<{ id: string }>(this.genericPlans, START, [
      items.map((i) => i.id),
      items.map((i) => i.subject),
      items.map((i) => i.owner),
    ]);
    const ids = new Set(started.map((r) => r.id));
    return items.map((i) => ids.has(i.id));
  }

  /** One statement for a batch of sends; true for each row it marked SENT. */
  private async sentAll(items: { row: ClaimedEmail; response: string }[]): Promise<boolean[]> {
    // These messages are out, so the statement is run again rather than leaving the rows to become
    // UNCERTAIN: after a deadlock (it locks rows and contacts; a concurrent change may lock them the
    // other way round) nothing of it was written; after a lost connection (PostgreSQL restarting or
    // failing over) it is tried for up to a lease. Writing SENT late is right even if the reconciler
    // has meanwhile marked the row UNCERTAIN (the statement accepts that).
    const giveUpAt = Date.now() + this.config.email.leaseSeconds * 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recordSent(items);
      } catch (err) {
        // Run again at once after a deadlock, or after a foreign key violation (a row's account
        // was deleted while this statement ran: the event is then left out for it).
        const rerun = attempt < 3 && (isPgError(err, PG_DEADLOCK_DETECTED) || isPgError(err, PG_FOREIGN_KEY_VIOLATION));
        if (!rerun && !(isConnectionLoss(err) && Date.now() < giveUpAt)) throw err;
        if (!rerun) await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }

  private async recordSent(items: { row: ClaimedEmail; response: string }[]): Promise<boolean[]> {
    const marked = await queryPrepared<{ id: string }>(this.genericPlans, SENT, [
      items.map((i) => i.row.id),
      items.map((i) => i.row.userId),
      items.map((i) => i.row.attempts),
      items.map((i) => i.response),
      items.map((i) => (CONTACT_FACING.has(i.row.kind) ? i.row.contactId : null)),
      items.map((i) => i.row.leaseOwner),
    ]);
    const ids = new Set(marked.map((r) => r.id));
    return items.map((i) => ids.has(i.row.id));
  }
}

interface ClaimedRow {
  id: string;
  user_id: string;
  meeting_id: string | null;
  contact_id: string | null;
  kind: EmailKind;
  to_email: string;
  to_name: string | null;
  subject_override: string | null;
  body_override: string | null;
  message_id: string;
  attempts: number;
  lease_owner: string;
}

const PG_DEADLOCK_DETECTED = '40P01';
const PG_FOREIGN_KEY_VIOLATION = '23503';

/**
 * The statement failed because PostgreSQL was unreachable, not because of the statement: no
 * connection, the connection cut, or the server shutting down or starting (SQLSTATE classes 08
 * and 57P). Anything else (a constraint, a bug) would fail again.
 */
function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e?.driverError?.code ?? e?.code;
  if (typeof code !== 'string') return true;
  if (/^(08|57P)/.test(code)) return true;
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code);
}

/**
 * One statement of a kind in flight per worker, for up to 200 emails: what arrives meanwhile goes
 * in the next. Each statement costs PostgreSQL a fixed ~0.3 ms of CPU besides its rows (and the
 * worker a round trip), so the fewer the better. Under load (the last batch carried more than one
 * email) the next batch waits a few ms more for others to join: 2 ms for claims, which is when an
 * email counts as started, and 20 ms for "sent", which nothing waits for but the job's slot (the
 * message is already at the server). "SMTP started" never waits and may have two statements in
 * flight: an SMTP connection sits idle, its server waiting for the data, until its stamp is
 * written, so with five pooled connections every millisecond here is a fifth of the throughput
 * (a 5 ms wait held a burst to ~450–520 emails/s). At a trickle nothing waits. Measured in
 * docs/benchmarks.md.
 */
const BATCHING = { maxBatch: 200, maxInFlight: 1, lingerMs: 5 };
const CLAIM_BATCHING = { ...BATCHING, lingerMs: 2 };
const SENT_BATCHING = { ...BATCHING, lingerMs: 20 };
const START_BATCHING = { ...BATCHING, lingerMs: 0, maxInFlight: 2 };

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

const CLAIM = `
WITH claimed AS (
  UPDATE scheduled_emails
  SET status = 'SENDING', lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3),
      attempts = attempts + 1, smtp_started_at = NULL, updated_at = now()
  WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND send_at <= now() AND held_reason IS NULL
  RETURNING id, user_id, meeting_id, contact_id, kind, to_email, to_name, subject_override, body_override,
            message_id, attempts, lease_owner
), event AS (
  INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
  SELECT id, user_id, 'CLAIMED', attempts, $2 FROM claimed
)
${emailDataSelect(
  `claimed CROSS JOIN LATERAL (
     SELECT claimed.user_id, claimed.meeting_id, claimed.contact_id, claimed.contact_id IS NULL AS meeting_contact,
            claimed.kind, lower(claimed.to_email COLLATE "C") COLLATE "default" AS suppression_of
   ) AS k`,
  'claimed.*,',
)}`;

const START = `UPDATE scheduled_emails s SET smtp_started_at = now(), subject = v.subject
   FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, subject, owner)
   WHERE s.id = ANY($1::uuid[]) AND s.id = v.id AND s.lease_owner = v.owner AND s.status = 'SENDING'
   RETURNING s.id`;

const RENEW = `UPDATE scheduled_emails s SET lease_expires_at = now() + make_interval(secs => $3)
   FROM unnest($1::uuid[], $2::text[]) AS v(id, owner)
   WHERE s.id = ANY($1::uuid[]) AND s.id = v.id AND s.lease_owner = v.owner AND s.status = 'SENDING'`;

const SENT = `WITH v AS (
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::uuid[], $6::text[])
       AS v(id, user_id, attempt, response, contact_id, owner)
   ), marked AS (
     UPDATE scheduled_emails s
     SET status = 'SENT', sent_at = now(), smtp_response = v.response, last_error = NULL, lease_owner = NULL,
         lease_expires_at = NULL, updated_at = now()
     FROM v
     WHERE s.id = ANY($1::uuid[]) AND s.id = v.id
       AND ((s.status = 'SENDING' AND s.lease_owner = v.owner) OR s.status = 'UNCERTAIN')
     RETURNING s.id
   ), event AS (
     INSERT INTO email_events (scheduled_email_id, user_id, event, attempt, detail)
     -- Not for a row deleted with its account meanwhile: there is nothing left to record it on.
     SELECT id, user_id, 'SENT', attempt, response FROM v
      WHERE EXISTS (SELECT 1 FROM scheduled_emails s WHERE s.id = v.id)
   ), touched AS (
     -- An email to the contact is an interaction: the keep-in-touch clock restarts. Rows are
     -- locked in id order, so two batches touching the same contacts cannot deadlock.
     UPDATE contacts c SET last_contacted_at = greatest(coalesce(c.last_contacted_at, '-infinity'), now())
     FROM (SELECT id FROM contacts WHERE id = ANY($5::uuid[]) ORDER BY id FOR UPDATE) AS locked
     WHERE c.id = locked.id
   )
   SELECT id FROM marked`;
