import { registerEnumType } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { EmailKind, EmailStatus } from '../emails/email-kind';

/** The steps of a job search, in order; each one's rate is measured against the one before. */
export enum FunnelStepName {
  CONTACTS_ADDED = 'CONTACTS_ADDED',
  OUTREACH_REQUESTS = 'OUTREACH_REQUESTS',
  MEETINGS_HELD = 'MEETINGS_HELD',
  THANK_YOUS_SENT = 'THANK_YOUS_SENT',
  REFERRALS = 'REFERRALS',
  JOB_LEADS = 'JOB_LEADS',
  APPLICATIONS = 'APPLICATIONS',
}
registerEnumType(FunnelStepName, {
  name: 'FunnelStepName',
  description: 'A step of the funnel; docs/network.md#funnel says what each one counts.',
});

/**
 * A lead counts as an application when it first reached one of these (its status history, as a
 * lead can move back: an application withdrawn later was still made), dated by that step.
 */
const APPLIED_OR_LATER = ['APPLIED', 'INTERVIEWING', 'OFFER', 'ACCEPTED'];

/** Outreach that was (or is about to be) sent: not cancelled, suppressed or failed. */
const OUTREACH_MADE = [EmailStatus.PENDING, EmailStatus.SENDING, EmailStatus.SENT, EmailStatus.UNCERTAIN];

/**
 * Each step's count for one user over [from, to), in one statement of scalar subqueries, each
 * on the user's own rows. Every row is dated by when its step happened (see docs/network.md).
 */
export async function funnelCounts(
  ds: DataSource,
  userId: string,
  from: Date,
  to: Date,
): Promise<Record<FunnelStepName, number>> {
  const [row]: Record<string, string>[] = await ds.query(
    `SELECT
       (SELECT count(*) FROM contacts c
         WHERE c.user_id = $1 AND c.created_at >= $2 AND c.created_at < $3) AS contacts_added,
       (SELECT count(*) FROM scheduled_emails se
         WHERE se.user_id = $1 AND se.kind = $4::email_kind AND se.status = ANY ($5::email_status[])
           AND se.created_at >= $2 AND se.created_at < $3) AS outreach_requests,
       (SELECT count(*) FROM meetings mt
         WHERE mt.user_id = $1 AND mt.status = 'COMPLETED' AND mt.starts_at >= $2 AND mt.starts_at < $3) AS meetings_held,
       (SELECT count(*) FROM scheduled_emails se
         WHERE se.user_id = $1 AND se.kind = $6::email_kind AND se.status = 'SENT'
           AND se.sent_at >= $2 AND se.sent_at < $3) AS thank_yous_sent,
       (SELECT count(*) FROM contacts c
         WHERE c.user_id = $1 AND (c.source_meeting_id IS NOT NULL OR c.how_we_know = 'REFERRAL')
           AND c.created_at >= $2 AND c.created_at < $3) AS referrals,
       (SELECT count(*) FROM job_leads jl
         WHERE jl.user_id = $1 AND jl.created_at >= $2 AND jl.created_at < $3) AS job_leads,
       (SELECT count(*) FROM job_leads jl,
          LATERAL (SELECT min((step->>'at')::timestamptz) AS applied_at
                   FROM jsonb_array_elements(jl.status_history) step
                   WHERE step->>'status' = ANY ($7::text[])) a
         WHERE jl.user_id = $1 AND a.applied_at >= $2 AND a.applied_at < $3) AS applications`,
    [userId, from, to, EmailKind.OUTREACH, OUTREACH_MADE, EmailKind.THANK_YOU, APPLIED_OR_LATER],
  );
  return {
    CONTACTS_ADDED: Number(row.contacts_added),
    OUTREACH_REQUESTS: Number(row.outreach_requests),
    MEETINGS_HELD: Number(row.meetings_held),
    THANK_YOUS_SENT: Number(row.thank_yous_sent),
    REFERRALS: Number(row.referrals),
    JOB_LEADS: Number(row.job_leads),
    APPLICATIONS: Number(row.applications),
  };
}
