import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { EmailKind } from './email-kind';
import { ResetEmailTemplateInput, UpdateEmailTemplateInput } from './email-template.inputs';
import { EmailPreview, EmailTemplateView } from './email-template.types';

@Resolver(() => EmailTemplateView)
export class EmailTemplateResolver {
  @Authorized()
  @Query(() => [EmailTemplateView], { description: 'The wording of every kind of email: yours or the default.' })
  emailTemplates(@Ctx() { user, services }: Context): Promise<EmailTemplateView[]> {
    return services.emailTemplates.list(user!);
  }

  @Authorized()
  @Mutation(() => EmailTemplateView, {
    description: 'Saves your wording for one kind of email. Emails already planned use it when they are sent.',
  })
  updateEmailTemplate(
    @Arg('input') input: UpdateEmailTemplateInput,
    @Ctx() { user, services }: Context,
  ): Promise<EmailTemplateView> {
    return services.emailTemplates.update(user!, input);
  }

  @Authorized()
  @Mutation(() => EmailTemplateView, { description: 'Goes back to Rapport’s default wording for this kind.' })
  resetEmailTemplate(
    @Arg('input') input: ResetEmailTemplateInput,
    @Ctx() { user, services }: Context,
  ): Promise<EmailTemplateView> {
    return services.emailTemplates.reset(user!, input.kind);
  }

  @Authorized()
  @Query(() => EmailPreview, {
    description:
      'Renders this kind of email for one of your meetings, as it would be sent now. NOT_FOUND if not yours.',
  })
  previewEmail(
    @Arg('kind', () => EmailKind) kind: EmailKind,
    @Arg('meetingId', () => ID) meetingId: string,
    @Ctx() { user, services }: Context,
  ): Promise<EmailPreview> {
    return services.emailTemplates.preview(user!, kind, meetingId);
  }
}
