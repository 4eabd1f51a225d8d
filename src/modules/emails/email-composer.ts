import type { EntityManager } from 'typeorm';
import type { Config } from '../../core/config';
import type { OutgoingMail } from '../../core/mail/mailer';
import { loadRenderContext } from './email-context';
import { CONTACT_FACING, EmailKind } from './email-kind';
import type { EmailTemplateService } from './email-template.service';
import type { RenderedEmail } from './rendering/render.types';
import { renderEmail } from './rendering/renderer';
import type { ScheduledEmail } from './scheduled-email.entity';
import { listUnsubscribeHeaders, unsubscribeToken, unsubscribeUrl } from './unsubscribe';

type Renderable = Pick<
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
  constructor(
    private readonly config: Config,
    private readonly templates: EmailTemplateService,
  ) {}

  /** null when what the email is about no longer exists (the meeting or the user was deleted). */
  async compose(m: EntityManager, row: Renderable): Promise<ComposedEmail | null> {
    const contactFacing = CONTACT_FACING.has(row.kind);
    const unsubscribe = contactFacing
      ? unsubscribeUrl(this.config.http.publicUrl, unsubscribeToken(row.toEmail, this.config.email.unsubscribeSecret))
      : null;
    // For OUTREACH the body is the user's own message, shown as it is, never run as a template.
    const isOutreach = row.kind === EmailKind.OUTREACH;
    const ctx = await loadRenderContext(m, {
      userId: row.userId,
      kind: row.kind,
      meetingId: row.meetingId,
      contactId: row.contactId,
      toEmail: row.toEmail,
      toName: row.toName,
      message: isOutreach ? row.bodyOverride : null,
      unsubscribeUrl: unsubscribe,
      appUrl: this.config.http.publicUrl,
    });
    if (!ctx) return null;
    const base = await this.templates.source(row.userId, row.kind, m);
    const rendered = renderEmail(ctx, {
      subject: row.subjectOverride ?? base.subject,
      body: !isOutreach && row.bodyOverride ? row.bodyOverride : base.body,
    });
    const platform = this.config.mail.fromAddress;
    const mail: OutgoingMail = contactFacing
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
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId: row.messageId,
          attachments: rendered.attachments,
        };
    return { rendered, mail };
  }
}
