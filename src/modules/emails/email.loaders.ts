import type { DataSource } from 'typeorm';
import type { NodeBudget } from '../../core/graphql/node-budget';
import { byParent } from '../../core/graphql/loaders';
import { EmailEvent } from './email-event.entity';
import { ScheduledEmail } from './scheduled-email.entity';

export const emailLoaders = {
  emailsByMeeting: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, ScheduledEmail, 'meetingId', userId, { sendAt: 'ASC', id: 'ASC' }, budget),
  emailEvents: (ds: DataSource, userId: string | null, budget: NodeBudget) =>
    byParent(ds, EmailEvent, 'scheduledEmailId', userId, { createdAt: 'ASC', id: 'ASC' }, budget),
};
