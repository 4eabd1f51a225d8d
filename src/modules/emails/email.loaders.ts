import type { DataSource } from 'typeorm';
import { byParent } from '../../core/graphql/loaders';
import { EmailEvent } from './email-event.entity';
import { ScheduledEmail } from './scheduled-email.entity';

export const emailLoaders = {
  emailsByMeeting: (ds: DataSource, userId: string | null) =>
    byParent(ds, ScheduledEmail, 'meetingId', userId, { sendAt: 'ASC', id: 'ASC' }),
  emailEvents: (ds: DataSource, userId: string | null) =>
    byParent(ds, EmailEvent, 'scheduledEmailId', userId, { createdAt: 'ASC', id: 'ASC' }),
};
