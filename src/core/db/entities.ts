import { RefreshToken } from '../../modules/auth/refresh-token.entity';
import { Contact } from '../../modules/contacts/contact.entity';
import { EmailEvent } from '../../modules/emails/email-event.entity';
import { EmailSuppression } from '../../modules/emails/email-suppression.entity';
import { EmailTemplate } from '../../modules/emails/email-template.entity';
import { ScheduledEmail } from '../../modules/emails/scheduled-email.entity';
import { Commitment } from '../../modules/insights/commitment.entity';
import { Insight } from '../../modules/insights/insight.entity';
import { JobLead } from '../../modules/insights/job-lead.entity';
import { AgendaItem } from '../../modules/meetings/agenda-item.entity';
import { Meeting } from '../../modules/meetings/meeting.entity';
import { Organisation } from '../../modules/organisations/organisation.entity';
import { Question } from '../../modules/questions/question.entity';
import { User } from '../../modules/users/user.entity';

/** Every TypeORM entity; one list so the app, the CLIs and the tests agree. */
export const ENTITIES = [
  User,
  RefreshToken,
  Organisation,
  Contact,
  Question,
  Meeting,
  AgendaItem,
  Insight,
  Commitment,
  JobLead,
  ScheduledEmail,
  EmailEvent,
  EmailSuppression,
  EmailTemplate,
];
