import { Commitment } from '../insights/commitment.entity';
import { Contact } from '../contacts/contact.entity';
import { EmailEvent } from '../emails/email-event.entity';
import { Insight } from '../insights/insight.entity';
import { JobLead } from '../insights/job-lead.entity';
import { AgendaItem } from '../meetings/agenda-item.entity';
import { Meeting } from '../meetings/meeting.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Question } from '../questions/question.entity';
import { ScheduledEmail } from '../emails/scheduled-email.entity';
import { User } from '../users/user.entity';

/** A type `node(id)` can return: its entity (named as its GraphQL type) and the column naming its owner. */
export interface NodeType {
  entity: new () => { id: string };
  /** The property holding the owning user's id (`id` for the user themself). */
  owner: string;
}

/**
 * Every object type implementing Node. The administration types (AdminUser, AdminScheduledEmail,
 * AdminAuditEntry) are not Nodes: they show the same rows to an administrator and are refetched
 * through the admin lists.
 */
export const NODE_TYPES: readonly NodeType[] = [
  { entity: User, owner: 'id' },
  { entity: Organisation, owner: 'userId' },
  { entity: Contact, owner: 'userId' },
  { entity: Meeting, owner: 'userId' },
  { entity: AgendaItem, owner: 'userId' },
  { entity: Question, owner: 'userId' },
  { entity: Insight, owner: 'userId' },
  { entity: Commitment, owner: 'userId' },
  { entity: JobLead, owner: 'userId' },
  { entity: ScheduledEmail, owner: 'userId' },
  { entity: EmailEvent, owner: 'userId' },
];
