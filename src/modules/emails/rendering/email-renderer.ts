import Handlebars from 'handlebars';
import { CONTACT_FACING } from '../email-kind';
import { calendarAttachment } from './calendar-invite';
import type { RenderContext, RenderedEmail, TemplateSource } from './render.types';
import { RENDERED_BODY_MAX, RENDERED_SUBJECT_MAX, tidy, withinLimit } from './render-limits';
import { runTemplate } from './template-compiler';
import { buildViewModel, presentView } from './view-model';

// Email assembly: a header-safe subject, the plain-text part, the HTML part in its layout,
// the footer and the calendar attachment.

const escape = (s: string) => Handlebars.Utils.escapeExpression(s);

// C0 controls (CR and LF among them) and DEL.
// eslint-disable-next-line no-control-regex
const CONTROL_RUNS = /[\u0000-\u001f\u007f]+/g;

/** Header-safe: no CR/LF (or other control characters), single spaces, trimmed. */
export const headerSafe = (s: string) =>
  s
    .replace(CONTROL_RUNS, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();

/** Stands in for the recipient's unsubscribe link wherever a user could read it (see unsubscribeStandIn). */
export const PREVIEW_UNSUBSCRIBE_PATH = '/unsubscribe/preview';

/**
 * A link that looks like the recipient's unsubscribe link and does nothing: subjects are shown
 * to the user (lists, previews), and a working token there would let them unsubscribe anyone.
 */
export const unsubscribeStandIn = (appUrl: string) => `${appUrl}${PREVIEW_UNSUBSCRIBE_PATH}`;

/** The text view a subject is rendered with: the unsubscribe link replaced by its stand-in. */
function subjectView(textView: object, appUrl: string): object {
  const view = textView as { unsubscribeUrl?: unknown };
  return view.unsubscribeUrl ? { ...view, unsubscribeUrl: unsubscribeStandIn(appUrl) } : view;
}

/** Blank-line separated paragraphs become <p>, single line breaks <br>. Input is already escaped. */
function paragraphs(escaped: string): string {
  return tidy(escaped)
    .split(/\n\n+/)
    .filter((p) => p.trim())
    .map((p) => `<p style="margin:0 0 16px">${p.split('\n').join('<br>\n')}</p>`)
    .join('\n');
}

function layout(subject: string, content: string, footer: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f5f5f4">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.55;color:#1c1917">
${content}
${footer}</div>
</body>
</html>
`;
}

export interface RenderOptions {
  /** Right-hand side of the calendar UID (`<meeting id>@<domain>`); defaults to the host of appUrl. */
  calendarDomain?: string;
  /** For "days ago" and the .ics DTSTAMP; defaults to now. */
  now?: Date;
}

/**
 * Renders one email from a template and the context: a header-safe subject, a plain-text part
 * (variables as they are) and an HTML part (the same template with every variable escaped),
 * an unsubscribe footer on contact-facing kinds and an .ics attachment on meeting invitations,
 * updates and cancellations. The recipient's unsubscribe link appears only in the body: a subject
 * gets a stand-in (see unsubscribeStandIn).
 * Throws TemplateError when the template breaks the rules, RenderLimitError (one) when the
 * rendered subject or body is over its cap.
 */
export function renderEmail(ctx: RenderContext, template: TemplateSource, options: RenderOptions = {}): RenderedEmail {
  const now = options.now ?? new Date();
  const view = buildViewModel(ctx, now);
  const textView = presentView(view, 'text');
  const htmlView = presentView(view, 'html');

  const subject = withinLimit(
    'subject',
    headerSafe(runTemplate(template.subject, 'text', subjectView(textView, ctx.appUrl))),
    RENDERED_SUBJECT_MAX,
  );
  const body = withinLimit('body', tidy(runTemplate(template.body, 'text', textView)), RENDERED_BODY_MAX);
  const htmlBody = paragraphs(runTemplate(template.body, 'html', htmlView));

  const contactFacing = CONTACT_FACING.has(ctx.kind);
  const unsubscribe = view.unsubscribeUrl?.url ?? null;
  let text = body;
  let footer = '';
  // Mail to a contact names its sender; mail to the user names the account it is about. Either
  // way, whoever owns the address can refuse it (an account may carry someone else's address).
  const origin = contactFacing
    ? `${ctx.user.name} sent this email with Rapport.`
    : 'Rapport sent this email to the address of a Rapport account.';
  if (contactFacing || unsubscribe) {
    text += `\n\n-- \n${origin}`;
    footer = `<p style="margin:24px 0 0;padding-top:12px;border-top:1px solid #e7e5e4;font-size:12px;color:#78716c">${escape(origin)}`;
    if (unsubscribe) {
      text += `\nTo stop receiving these emails: ${unsubscribe}`;
      footer += ` <a href="${escape(unsubscribe)}" style="color:#78716c">Unsubscribe</a>`;
    }
    footer += '</p>\n';
  }

  const invite = calendarAttachment(ctx, { domain: options.calendarDomain, now });
  const attachments: RenderedEmail['attachments'] = invite ? [invite] : [];

  return { subject, text: `${text}\n`, html: layout(subject, htmlBody, footer), attachments };
}

/** The subject alone, exactly as renderEmail would produce it (what lists show for a planned email). */
export function renderSubject(
  ctx: RenderContext,
  template: Pick<TemplateSource, 'subject'>,
  now: Date = new Date(),
): string {
  const textView = presentView(buildViewModel(ctx, now), 'text');
  const subject = headerSafe(runTemplate(template.subject, 'text', subjectView(textView, ctx.appUrl)));
  return withinLimit('subject', subject, RENDERED_SUBJECT_MAX);
}

/** Renders with `strict: true` (a missing variable throws); for validating against sample data. */
export function renderStrict(ctx: RenderContext, source: string, now: Date = new Date()): string {
  return runTemplate(source, 'strict', presentView(buildViewModel(ctx, now), 'text'));
}
