import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { NotFoundError, ValidationError } from '../../core/errors';
import { isUuid } from '../../core/ids';
import { loadRenderContext } from './email-context';
import { ACCOUNT_EMAILS, CONTACT_FACING, EmailKind } from './email-kind';
import { ACCOUNT_ACTIONS } from './email.worker';
import { unsubscribeStandIn } from './rendering/email-renderer';
import type { RenderContext } from './rendering/render.types';

// What previewEmail renders: the user's own data when the caller names a meeting or a contact,
// else sample data that is plainly fake. Either way the user is the real one (name, address,
// zone, locale), nothing is written, and no link in it works.

/** Stands in for the user's own message when previewing an OUTREACH email. */
export const PREVIEW_MESSAGE = '(Your message to them appears here.)';

/** Stands in for the single-use token of an account email's link: a preview mints none. */
export const PREVIEW_TOKEN = 'PREVIEW-ONLY-NOT-A-REAL-LINK';

/** Kinds about one meeting: a preview names a meeting, or shows a sample one. */
export const MEETING_KINDS: ReadonlySet<EmailKind> = new Set([
  EmailKind.PREP_REMINDER,
  EmailKind.THANK_YOU,
  EmailKind.FOLLOW_UP,
  EmailKind.MEETING_CANCELLED,
  EmailKind.MEETING_UPDATED,
]);

/** What the caller asked to see: one of their meetings, one of their contacts, or neither (sample data). */
export interface PreviewTarget {
  meetingId?: string | null;
  contactId?: string | null;
}

interface PreviewUser {
  id: string;
  name: string;
  email: string;
  timezone: string;
  locale: string;
}

/** BAD_USER_INPUT when the ids named do not fit the kind. */
function checkTarget(kind: EmailKind, { meetingId, contactId }: PreviewTarget): void {
  if (meetingId != null && contactId != null) {
    throw ValidationError.field('contactId', 'name a meeting or a contact, not both');
  }
  if (ACCOUNT_EMAILS.has(kind) && (meetingId != null || contactId != null)) {
    throw ValidationError.field(
      meetingId != null ? 'meetingId' : 'contactId',
      'account emails show none of your data: name no meeting or contact',
    );
  }
  if (MEETING_KINDS.has(kind) && contactId != null) {
    throw ValidationError.field('contactId', 'this kind is about a meeting: name meetingId, or nothing for a sample');
  }
}

/**
 * The context a preview renders: from the user's meeting or contact as they are now (NOT_FOUND when
 * it is not theirs), or from sample data. Addressed like the real email; every link a stand-in.
 */
export async function previewContext(
  m: EntityManager,
  userId: string,
  kind: EmailKind,
  target: PreviewTarget,
  appUrl: string,
  now: Date = new Date(),
): Promise<RenderContext> {
  checkTarget(kind, target);
  const { meetingId, contactId } = target;
  const chosen = meetingId != null ? 'Meeting' : contactId != null ? 'Contact' : null;
  if (chosen) {
    const id = (meetingId ?? contactId)!;
    if (!isUuid(id)) throw new NotFoundError(chosen);
    const ctx = await loadRenderContext(m, {
      userId,
      kind,
      meetingId: meetingId ?? null,
      contactId: contactId ?? null,
      toEmail: '',
      toName: null,
      message: kind === EmailKind.OUTREACH ? PREVIEW_MESSAGE : null,
      unsubscribeUrl: unsubscribeStandIn(appUrl),
      appUrl,
    });
    // A contact that is not theirs loads as none (every join is scoped by the user).
    if (!ctx || (chosen === 'Contact' && !ctx.contact)) throw new NotFoundError(chosen);
    ctx.recipient = CONTACT_FACING.has(kind)
      ? { ...ctx.recipient, name: ctx.contact?.fullName ?? null, email: ctx.contact?.email ?? '' }
      : { ...ctx.recipient, name: ctx.user.name, email: ctx.user.email };
    return ctx;
  }
  const [user]: PreviewUser[] = await m.query(`SELECT id, name, email, timezone, locale FROM users WHERE id = $1`, [
    userId,
  ]);
  if (!user) throw new NotFoundError('User');
  return sampleContext(kind, user, appUrl, now);
}

/** Plainly fake data for every variable, around the user as they are; dates relative to `now`. */
export function sampleContext(kind: EmailKind, user: PreviewUser, appUrl: string, now: Date): RenderContext {
  const zone = user.timezone;
  const day = (days: number, hour = 9) =>
    DateTime.fromJSDate(now, { zone }).plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 }).toJSDate();
  const startsAt = day(1, 10);
  const contact = {
    firstName: 'Sample',
    lastName: 'Contact',
    fullName: 'Sample Contact',
    email: 'sample.contact@example.com',
    title: 'Sample Job Title',
    phone: '+1 555 0100',
    linkedinUrl: 'https://www.example.com/in/sample-contact',
  };
  const organisation = 'Sample Organisation';
  const account = ACCOUNT_EMAILS.has(kind);
  const action = ACCOUNT_ACTIONS[kind];
  return {
    kind,
    recipient: CONTACT_FACING.has(kind)
      ? { name: contact.fullName, email: contact.email, timezone: zone }
      : { name: account ? null : user.name, email: user.email, timezone: zone },
    user: { name: user.name, email: user.email, timezone: zone },
    locale: user.locale,
    contact,
    organisation: {
      name: organisation,
      website: 'https://sample-organisation.example.com',
      industry: 'Sample Industry',
      location: 'Sample City',
      description: 'A sample organisation, shown in previews.',
      structureNotes: 'Sample notes on its structure.',
      nicheNotes: 'Sample notes on its niche.',
      goalsNotes: 'Sample notes on its goals.',
      careerProspectsNotes: 'Sample notes on career prospects.',
      cultureNotes: 'Sample notes on its culture.',
    },
    meeting: {
      id: '00000000-0000-4000-8000-000000000000',
      title: 'Sample meeting with Sample Contact',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 45 * 60_000),
      timezone: zone,
      location: 'Sample Café, Sample City',
      videoUrl: 'https://video.example.com/sample-meeting',
      notes: 'Sample preparation notes.',
      status: kind === EmailKind.MEETING_CANCELLED ? 'CANCELLED' : 'SCHEDULED',
      icsSequence: kind === EmailKind.MEETING_UPDATED || kind === EmailKind.MEETING_CANCELLED ? 1 : 0,
      agenda: [
        { text: 'A sample question: how did you get into this field?', category: 'ENTRY_PATHS' },
        { text: 'A sample question: what does a typical week look like?', category: 'DAY_TO_DAY' },
      ],
    },
    digest: [
      { fullName: 'Sample Contact', organisationName: organisation, lastContactedAt: day(-60), dueSince: day(-30) },
      { fullName: 'Another Sample', organisationName: null, lastContactedAt: null, dueSince: day(-10) },
    ],
    progress: { goal: 5, streak: 2, thisWeek: { held: 3, met: false }, lastWeek: { held: 5, met: true } },
    promises: [{ description: 'Send Sample Contact a sample article', contactName: contact.fullName }],
    deadlines: [{ title: 'Sample job lead', organisationName: organisation, status: 'APPLIED' }],
    message: kind === EmailKind.OUTREACH ? PREVIEW_MESSAGE : null,
    outreach: { requestedAt: day(-8) },
    unsubscribeUrl: unsubscribeStandIn(appUrl),
    appUrl,
    actionUrl: action ? `${appUrl}${action.path}?token=${PREVIEW_TOKEN}` : null,
  };
}
