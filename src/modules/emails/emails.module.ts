import { AccountNotice } from './account-notice.entity';
import type { FeatureModule } from '../../core/feature';
import { EmailEvent } from './email-event.entity';
import { EmailSuppression } from './email-suppression.entity';
import { EmailTemplate } from './email-template.entity';
import { EmailTemplateResolver } from './email-template.resolver';
import { emailLoaders } from './email.loaders';
import { ScheduledEmail } from './scheduled-email.entity';
import { ScheduledEmailChangesResolver } from './scheduled-email-changes.resolver';
import { MeetingEmailsResolver, ScheduledEmailResolver } from './scheduled-email.resolver';

export const emailsModule = {
  name: 'emails',
  entities: [ScheduledEmail, EmailEvent, EmailSuppression, EmailTemplate, AccountNotice],
  resolvers: [ScheduledEmailResolver, MeetingEmailsResolver, EmailTemplateResolver, ScheduledEmailChangesResolver],
  loaders: emailLoaders,
} satisfies FeatureModule;
