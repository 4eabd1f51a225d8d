import type { DataSource, EntityManager } from 'typeorm';
import { ValidationError } from '../../core/errors';
import { EmailErrorReason } from './email.errors';
import type { AuthUser } from '../auth/access-tokens';
import { ACCOUNT_EMAILS, EmailKind } from './email-kind';
import { previewContext, type PreviewTarget } from './email-preview';
import { EmailTemplate } from './email-template.entity';
import type { UpdateEmailTemplateInput } from './email-template.inputs';
import type { EmailPreview, EmailTemplateView } from './email-template.types';
import { DEFAULT_TEMPLATES } from './rendering/default-templates';
import type { TemplateSource } from './rendering/render.types';
import { renderEmail } from './rendering/email-renderer';
import { RenderLimitError } from './rendering/render-limits';
import { templateVariables, validateTemplate } from './rendering/template-validation';

// Account emails keep Rapport's wording: their recipient may not be the account holder.
const KINDS = Object.values(EmailKind).filter((kind) => !ACCOUNT_EMAILS.has(kind));

function editable(kind: EmailKind, field = 'input.kind'): void {
  if (ACCOUNT_EMAILS.has(kind))
    throw ValidationError.field(field, 'account emails keep Rapport’s wording', EmailErrorReason.ACCOUNT_EMAIL);
}

function view(kind: EmailKind, own: EmailTemplate | null): EmailTemplateView {
  const source = own ?? DEFAULT_TEMPLATES[kind];
  return {
    kind,
    subject: source.subject,
    body: source.body,
    isCustom: !!own,
    updatedAt: own?.updatedAt ?? null,
    variables: templateVariables(kind),
  };
}

/** The user's own wording for each kind of email, the defaults, and previews. */
export class EmailTemplateService {
  constructor(
    private readonly ds: DataSource,
    private readonly options: { appUrl: string },
  ) {}

  /** The template a kind is rendered from for this user: their own, or Rapport's default. */
  async source(userId: string, kind: EmailKind, manager: EntityManager = this.ds.manager): Promise<TemplateSource> {
    const own = await manager.getRepository(EmailTemplate).findOneBy({ userId, kind });
    return own ? { subject: own.subject, body: own.body } : DEFAULT_TEMPLATES[kind];
  }

  /** Every kind, in a fixed order. */
  async list(user: AuthUser): Promise<EmailTemplateView[]> {
    const own = await this.ds.getRepository(EmailTemplate).findBy({ userId: user.id });
    const byKind = new Map(own.map((t) => [t.kind, t]));
    return KINDS.map((kind) => view(kind, byKind.get(kind) ?? null));
  }

  /** Saves the user's wording after checking it (BAD_USER_INPUT naming input.subject / input.body). */
  async update(user: AuthUser, input: UpdateEmailTemplateInput): Promise<EmailTemplateView> {
    const { kind } = input;
    editable(kind);
    const source = { subject: input.subject.trim(), body: input.body.trim() };
    const errors = validateTemplate(source, kind);
    if (errors.length) throw new ValidationError(errors);
    const repo = this.ds.getRepository(EmailTemplate);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ userId: user.id, kind, ...source })
      .orUpdate(['subject', 'body', 'updated_at'], ['user_id', 'kind'])
      .updateEntity(false)
      .execute();
    return view(kind, await repo.findOneByOrFail({ userId: user.id, kind }));
  }

  /** Goes back to Rapport's default wording (a no-op if it was never changed). */
  async reset(user: AuthUser, kind: EmailKind): Promise<EmailTemplateView> {
    editable(kind);
    await this.ds.getRepository(EmailTemplate).delete({ userId: user.id, kind });
    return view(kind, null);
  }

  /**
   * Renders any kind as it would be sent now, with the user's own template: for one of their
   * meetings or contacts when the target names one (NOT_FOUND when it is not theirs), else with
   * sample data (email-preview.ts). Writes nothing and mints no token: every link that would act
   * is a stand-in. BAD_USER_INPUT naming `meetingId` or `contactId` when the target does not fit
   * the kind, or `subject` or `body` when that part renders over its cap (see render-limits.ts).
   */
  async preview(user: AuthUser, kind: EmailKind, target: PreviewTarget = {}): Promise<EmailPreview> {
    const m = this.ds.manager;
    const ctx = await previewContext(m, user.id, kind, target, this.options.appUrl);
    let rendered;
    try {
      rendered = renderEmail(ctx, await this.source(user.id, kind, m));
    } catch (err) {
      // The user's template with their own data: theirs to shorten (BAD_USER_INPUT naming the part).
      if (err instanceof RenderLimitError) throw ValidationError.field(err.field, err.message);
      throw err;
    }
    return { subject: rendered.subject, html: rendered.html, text: rendered.text };
  }
}
