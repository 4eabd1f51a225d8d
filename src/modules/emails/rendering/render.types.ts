import type { EmailKind } from '../email-kind';

/**
 * Everything a template may show, loaded from Postgres when the email is rendered (at send
 * time, or for a preview). Times are instants; the renderer formats them in the recipient's zone.
 */
export interface RenderContext {
  kind: EmailKind;
  /** Who receives it: the user (reminders) or the contact (thank-you, follow-up, outreach). */
  recipient: { name: string | null; email: string; timezone: string };
  user: { name: string; email: string; timezone: string };
  /** The user's locale (BCP 47): how every date and time is written. en-GB when absent. */
  locale?: string;
  contact: {
    firstName: string;
    lastName: string | null;
    fullName: string;
    email: string | null;
    title: string | null;
    phone: string | null;
    linkedinUrl: string | null;
  } | null;
  organisation: {
    name: string;
    website: string | null;
    industry: string | null;
    location: string | null;
    description: string | null;
    structureNotes: string | null;
    nicheNotes: string | null;
    goalsNotes: string | null;
    careerProspectsNotes: string | null;
    cultureNotes: string | null;
  } | null;
  meeting: {
    id: string;
    title: string;
    startsAt: Date;
    endsAt: Date;
    timezone: string;
    location: string | null;
    videoUrl: string | null;
    notes: string | null;
    status: string;
    icsSequence: number;
    agenda: { text: string; category: string }[];
  } | null;
  /** KEEP_IN_TOUCH_DIGEST and WEEKLY_DIGEST: the contacts due for a note, most overdue first. */
  digest: { fullName: string; organisationName: string | null; lastContactedAt: Date | null; dueSince: Date }[] | null;
  /** WEEKLY_DIGEST: meetings held this week and last against the weekly goal, and the streak. */
  progress?: {
    goal: number;
    streak: number;
    thisWeek: { held: number; met: boolean };
    lastWeek: { held: number; met: boolean };
  } | null;
  /** COMMITMENT_DUE (and a digest that carries them): promises the user made that are due today. */
  promises?: { description: string; contactName: string | null }[] | null;
  /** JOB_LEAD_DEADLINE (and a digest that carries them): open job leads whose deadline is today. */
  deadlines?: { title: string; organisationName: string | null; status: string }[] | null;
  /** OUTREACH: the user's own message. */
  message: string | null;
  /** OUTREACH_NUDGE: when the request went out (for "no reply after N days"); absent or null if unknown. */
  outreach?: { requestedAt: Date } | null;
  /** Contact-facing emails only: the one-click unsubscribe page for the recipient. */
  unsubscribeUrl: string | null;
  /** Where the user manages things (links in reminders). */
  appUrl: string;
  /** Account emails: the link with the single-use token, filled by the worker as it sends. */
  actionUrl?: string | null;
}

/** The template a kind is rendered from: the user's own wording or Rapport's default. */
export interface TemplateSource {
  subject: string;
  /** Plain text with {{variables}}; blank lines separate paragraphs. */
  body: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: string; contentType: string }[];
}
