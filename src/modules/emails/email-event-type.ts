import { registerEnumType } from 'type-graphql';

/**
 * What happened to a scheduled email, one row of `email_events` each. The database's
 * `email_events_event_check` holds the column to these values (SQL writers use literals), and
 * a test holds that list, this enum and the GraphQL enum to one another.
 */
export enum EmailEventType {
  PLANNED = 'PLANNED',
  REPLANNED = 'REPLANNED',
  MOVED = 'MOVED',
  EDITED = 'EDITED',
  SEND_NOW = 'SEND_NOW',
  HELD = 'HELD',
  UNHELD = 'UNHELD',
  CLAIMED = 'CLAIMED',
  SENT = 'SENT',
  RETRY_SCHEDULED = 'RETRY_SCHEDULED',
  RELEASED = 'RELEASED',
  RETRIED = 'RETRIED',
  FAILED = 'FAILED',
  UNCERTAIN = 'UNCERTAIN',
  SUPPRESSED = 'SUPPRESSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(EmailEventType, {
  name: 'EmailEventType',
  description: 'A step in the history of a planned email.',
  valuesConfig: {
    PLANNED: { description: 'Planned (detail: when it is due).' },
    REPLANNED: { description: 'Planned again after it had been cancelled (detail: when it is due).' },
    MOVED: { description: 'Its time changed with the plan (detail: from → to).' },
    EDITED: { description: 'Its subject, body or time was edited by hand.' },
    SEND_NOW: { description: 'Asked to go now instead of at its time.' },
    HELD: { description: 'Held back (detail: why, e.g. the account was suspended).' },
    UNHELD: { description: 'No longer held (detail: why, and when it is due).' },
    CLAIMED: { description: 'A worker took it to send.' },
    SENT: { description: 'The SMTP server accepted it (detail: its reply).' },
    RETRY_SCHEDULED: { description: 'A try failed and another is planned (detail: the error and the next try).' },
    RELEASED: { description: 'A worker gave it back before talking to SMTP; it goes again.' },
    RETRIED: { description: 'Tried again by hand after FAILED or UNCERTAIN.' },
    FAILED: { description: 'Given up (detail: the last error).' },
    UNCERTAIN: { description: 'The worker stopped while handing it to SMTP: it may have been delivered.' },
    SUPPRESSED: { description: 'Not sent: the address unsubscribed or bounced.' },
    CANCELLED: { description: 'Cancelled (detail: why).' },
  },
});

/** The values as SQL, e.g. for the check constraint: `'PLANNED', 'REPLANNED', …`. */
export const EMAIL_EVENT_TYPES_SQL = Object.values(EmailEventType)
  .map((v) => `'${v}'`)
  .join(', ');
