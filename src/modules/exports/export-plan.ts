/** Version of the JSON document's shape (docs/export.schema.json); bumped on any breaking change. */
export const EXPORT_VERSION = 1;

/** One array of the export: every row of `table` with the user's id, all columns but `omit`. */
export interface ExportSection {
  /** The property of the document (camelCase). */
  key: string;
  table: string;
  /** Columns left out (user_id always): internal bookkeeping, never the user's content. */
  omit: readonly string[];
}

/**
 * Every table holding a user's rows, in the order the document lists them. A table here exports
 * every column it has, so a new column is never forgotten (the JSON Schema test then asks for
 * its documentation); a new table must be added here or to EXPORT_EXCLUSIONS (a test reads the
 * schema for tables with a user_id column).
 */
export const EXPORT_SECTIONS: readonly ExportSection[] = [
  { key: 'organisations', table: 'organisations', omit: [] },
  { key: 'contacts', table: 'contacts', omit: [] },
  { key: 'questions', table: 'questions', omit: [] },
  { key: 'meetings', table: 'meetings', omit: [] },
  { key: 'agendaItems', table: 'meeting_agenda_items', omit: [] },
  { key: 'interactions', table: 'interactions', omit: [] },
  { key: 'insights', table: 'insights', omit: [] },
  { key: 'commitments', table: 'commitments', omit: [] },
  { key: 'jobLeads', table: 'job_leads', omit: [] },
  { key: 'duplicateDismissals', table: 'duplicate_dismissals', omit: [] },
  { key: 'emailTemplates', table: 'email_templates', omit: [] },
  // The lease says which worker process holds a send at this instant: meaningless outside.
  { key: 'scheduledEmails', table: 'scheduled_emails', omit: ['lease_owner', 'lease_expires_at'] },
  { key: 'emailEvents', table: 'email_events', omit: [] },
];

/** Tables with a user_id column that the export leaves out on purpose, and why. */
export const EXPORT_EXCLUSIONS: Readonly<Record<string, string>> = {
  refresh_tokens: 'sign-in sessions: hashes of live credentials; a file that outlives the session must not carry them',
  account_tokens: 'hashes of single-use verification and reset tokens: live credentials, gone once used or expired',
  registration_attempts: 'password hashes of sign-up requests for an address not yet verified, gone once it is',
  sync_tombstones:
    'offline sync bookkeeping: ids of rows already deleted and when, no content of yours; kept only TOMBSTONE_RETENTION_DAYS',
};

/**
 * The account itself, by allow-list: a new column on users (a password or token hash) stays out
 * until someone decides it belongs here. Left out: password_hash, access_revoked_at and
 * calendar_feed_version (security bookkeeping), suspended_at (a suspended account cannot export).
 */
export const USER_COLUMNS: readonly string[] = [
  'id',
  'email',
  'email_verified_at',
  'pending_email',
  'name',
  'role',
  'timezone',
  'locale',
  'sending_window_start_minute',
  'sending_window_end_minute',
  'thank_you_delay_minutes',
  'follow_up_delay_days',
  'prep_reminder_hours_before',
  'weekly_meeting_goal',
  'outreach_nudge_days',
  'disabled_reminders',
  'working_hours_start_minute',
  'working_hours_end_minute',
  'working_days',
  'weekly_digest_weekday',
  'created_at',
  'updated_at',
];

/** snake_case column names become the document's camelCase properties. */
export function camelKeys(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row))
    out[key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = value;
  return out;
}
