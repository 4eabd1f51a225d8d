import type { EntityManager } from 'typeorm';
import type { Config } from '../../core/config';
import type { OutgoingMail } from '../../core/mail/mailer';
import { loadEmailData, loadEmailDataMany, type EmailData, type RenderContextOptions } from './email-context';
import { CONTACT_FACING, EmailKind } from './email-kind';
import type { RenderedEmail } from './rendering/render.types';
import { renderEmail, renderSubject } from './rendering/email-renderer';
import type { ScheduledEmail } from './scheduled-email.entity';
import { listUnsubscribeHeaders, unsubscribeToken, unsubscribeUrl } from './unsubscribe-token';

export type Renderable = Pick<
  ScheduledEmail,
  | 'userId'
  | 'kind'
  | 'meetingId'
  | 'contactId'
  | 'toEmail'
  | 'toName'
  | 'subjectOverride'
  | 'bodyOverride'
  | 'messageId'
>;

export interface ComposedEmail {
  rendered: RenderedEmail;
  mail: OutgoingMail;
}

/** Turns an outbox row into a rendered message, from the data as it is now in Postgres. */
export class EmailComposer {
  constructor(private readonly config: Config) {}

  /** What `loadEmailData` needs to read and present the row's email. */
  dataOptions(row: Renderable): RenderContextOptions {
    // Every email can be refused by whoever receives it, reminders to the user included.
    const unsubscribe = unsubscribeUrl(
      this.config.http.publicUrl,
      unsubscribeToken(row.toEmail, this.config.email.unsubscribeSecret),
    );
    return {
      userId: row.userId,
      kind: row.kind,
      meetingId: row.meetingId,
      contactId: row.contactId,
      toEmail: row.toEmail,
      toName: row.toName,
      // For OUTREACH the body is the user's own message, shown as it is, never run as a template.
      message: row.kind === EmailKind.OUTREACH ? row.bodyOverride : null,
      unsubscribeUrl: unsubscribe,
      appUrl: this.config.http.publicUrl,
    };
  }

  /** Reads, in one statement, everything the row's email shows (see loadEmailData). */
  load(m: EntityManager, row: Renderable): Promise<EmailData | null> {
    return loadEmailData(m, this.dataOptions(row));
  }

  /**
   * The message, rendered from data `load` read; null when what the email is about no longer
   * exists (the meeting or the user was deleted). Throws TemplateError when the template breaks.
   */
  build(row: Renderable, data: EmailData | null): ComposedEmail | null {
    const ctx = data?.ctx;
    if (!data || !ctx) return null;
    const isOutreach = row.kind === EmailKind.OUTREACH;
    const rendered = renderEmail(ctx, {
      subject: row.subjectOverride ?? data.template.subject,
      body: !isOutreach && row.bodyOverride ? row.bodyOverride : data.template.body,
    });
    const platform = this.config.mail.fromAddress;
    const mail: OutgoingMail = CONTACT_FACING.has(row.kind)
      ? {
          // From the platform (so SPF/DKIM pass) with the user's name; replies go to the user.
          from: { name: ctx.user.name, address: platform },
          replyTo: { name: ctx.user.name, address: ctx.user.email },
          to: { name: row.toName ?? '', address: row.toEmail },
          headers: listUnsubscribeHeaders(row.toEmail, this.config),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId: row.messageId,
          attachments: rendered.attachments,
        }
      : {
          from: { name: this.config.mail.fromName, address: platform },
          to: { name: row.toName ?? '', address: row.toEmail },
          headers: listUnsubscribeHeaders(row.toEmail, this.config),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId: row.messageId,
          attachments: rendered.attachments,
        };
    return { rendered, mail };
  }

  /** Reads, in one statement, everything each row's email shows, in the order given. */
  loadMany(m: EntityManager, rows: Renderable[]): Promise<(EmailData | null)[]> {
    return loadEmailDataMany(
      m,
      rows.map((row) => this.dataOptions(row)),
    );
  }

  /** The subject alone from data `load` or `loadMany` read; null when what it is about no longer exists. */
  subjectFrom(row: Renderable, data: EmailData | null): string | null {
    if (!data?.ctx) return null;
    return renderSubject(data.ctx, { subject: row.subjectOverride ?? data.template.subject });
  }

  /** The subject alone, as the email would be sent now; null when what it is about no longer exists. */
  async subject(m: EntityManager, row: Renderable): Promise<string | null> {
    return this.subjectFrom(row, await this.load(m, row));
  }
}
