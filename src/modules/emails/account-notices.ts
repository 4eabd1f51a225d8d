import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Mailer, OutgoingMail } from '../../core/mail/mailer';
import { AccountNotice, AccountNoticeKind } from './account-notice.entity';
import { EMAIL_JOB } from './email-queue';
import { listUnsubscribeHeaders } from './unsubscribe-token';

/** Payload of a notice job: an id, nothing else. */
export interface NoticeJobData {
  accountNoticeId: string;
}

/** Fixed wording: nothing in it comes from the account (no name, no data). */
const WORDING: Record<AccountNoticeKind, { subject: string; text: string }> = {
  [AccountNoticeKind.ACCOUNT_DELETED]: {
    subject: 'Your Rapport account was deleted',
    text: [
      'Your Rapport account was deleted, as asked, together with its contacts, organisations, meetings, notes and planned emails.',
      'Emails it had planned will not be sent, and its sessions, export links and calendar feed no longer work.',
      'If you did not ask for this, reply to this message.',
    ].join('\n\n'),
  },
};

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Messages about an account that no longer exists (the outbox's rows belong to an account, and go
 * with it). Planned in the transaction that deletes the account, so the notice exists exactly
 * when the deletion does; a job sends it, retried by BullMQ, and the sweep re-adds a lost one.
 */
export class AccountNotices {
  constructor(
    private readonly ds: DataSource,
    private readonly queue: Queue,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  async plan(m: EntityManager, kind: AccountNoticeKind, to: { email: string; name: string | null }): Promise<string> {
    const id = randomUUID();
    await m.getRepository(AccountNotice).insert({
      id,
      kind,
      toEmail: to.email,
      toName: to.name,
      messageId: `<${id}@${this.config.email.messageIdDomain}>`,
    });
    return id;
  }

  /** After commit. Best effort: the reconciler's sweep re-adds the job of a notice still waiting. */
  async enqueue(id: string): Promise<void> {
    try {
      await this.queue.add(EMAIL_JOB.sendNotice, { accountNoticeId: id } satisfies NoticeJobData, {
        jobId: `an${id}`,
        attempts: 6,
        backoff: { type: 'exponential', delay: 30_000 },
      });
    } catch (err) {
      this.logger.warn({ err, accountNoticeId: id }, 'could not queue an account notice; the sweep will');
    }
  }

  /** For the sweep: re-adds jobs of notices waiting over a minute; drops notices a week old (given up). */
  async requeue(): Promise<number> {
    await this.ds.query(`DELETE FROM account_notices WHERE created_at < now() - interval '7 days'`);
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM account_notices WHERE created_at < now() - interval '1 minute' ORDER BY created_at LIMIT 500`,
    );
    for (const { id } of rows) {
      const job = await this.queue.getJob(`an${id}`);
      if (job && (await job.getState()) === 'failed') await job.remove();
      else if (job) continue;
      await this.enqueue(id);
    }
    return rows.length;
  }

  /**
   * Sends a notice and deletes its row, holding the row locked meanwhile so two jobs never both
   * send it. A failure rolls back (the row stays) and throws, for BullMQ to retry. A suppressed
   * address is sent nothing. A crash between the server's answer and the commit sends it again,
   * with the same Message-ID.
   */
  async send(id: string, mailer: Mailer): Promise<'SENT' | 'SUPPRESSED' | 'NOT_DUE'> {
    return this.ds.transaction(async (m) => {
      const [row]: (AccountNotice & { suppressed: boolean })[] = await m.query(
        `SELECT n.id, n.kind, n.to_email AS "toEmail", n.to_name AS "toName", n.message_id AS "messageId",
                EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = lower(n.to_email)) AS suppressed
           FROM account_notices n WHERE n.id = $1 FOR UPDATE SKIP LOCKED`,
        [id],
      );
      if (!row) return 'NOT_DUE';
      await m.query(`DELETE FROM account_notices WHERE id = $1`, [id]);
      if (row.suppressed) return 'SUPPRESSED';
      await mailer.send(this.compose(row));
      return 'SENT';
    });
  }

  private compose(row: AccountNotice): OutgoingMail {
    const { subject, text } = WORDING[row.kind];
    return {
      from: { name: this.config.mail.fromName, address: this.config.mail.fromAddress },
      to: { name: row.toName ?? '', address: row.toEmail },
      headers: listUnsubscribeHeaders(row.toEmail, this.config),
      subject,
      text,
      html: text
        .split('\n\n')
        .map((p) => `<p>${escapeHtml(p)}</p>`)
        .join('\n'),
      messageId: row.messageId,
    };
  }
}
