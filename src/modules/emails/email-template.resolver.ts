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
      'Renders any kind of email with your own wording, as it would be sent now: for one of your meetings ' +
      '(meetingId) or contacts (contactId) when you name one, else with sample data (example.com addresses, ' +
      '"Sample" names). Nothing is sent or saved, and its links (unsubscribe, verify, reset) do not work. ' +
      'NOT_FOUND if the meeting or contact is not yours.',
  })
  previewEmail(
    @Arg('kind', () => EmailKind) kind: EmailKind,
    @Ctx() { user, services }: Context,
    @Arg('meetingId', () => ID, {
      nullable: true,
      description: 'One of your meetings: any kind but account emails renders with it (and its contact).',
    })
    meetingId?: string | null,
    @Arg('contactId', () => ID, {
      nullable: true,
      description:
        'One of your contacts, e.g. for OUTREACH or OUTREACH_NUDGE; not for the kinds about a meeting or account emails.',
    })
    contactId?: string | null,
  ): Promise<EmailPreview> {
    return services.emailTemplates.preview(user!, kind, { meetingId, contactId });
  }
}
