import type { EntityManager } from 'typeorm';
import { isUuid } from '../../core/ids';
import { Contact } from '../contacts/contact.entity';
import { AgendaItem } from '../meetings/agenda-item.entity';
import { Meeting } from '../meetings/meeting.entity';
import type { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import { CONTACT_FACING, EmailKind } from './email-kind';
import { CONTACT_DUE_SQL } from './keep-in-touch';
import type { RenderContext } from './rendering/render.types';

/** At most this many contacts in one keep-in-touch digest. */
export const DIGEST_LIMIT = 50;

export interface RenderContextOptions {
  userId: string;
  kind: EmailKind;
  meetingId?: string | null;
  contactId?: string | null;
  toEmail: string;
  toName: string | null;
  message?: string | null;
  unsubscribeUrl: string | null;
  appUrl: string;
}

function contactView(c: Contact): NonNullable<RenderContext['contact']> {
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    fullName: c.fullName,
    email: c.email,
    title: c.title,
    phone: c.phone,
    linkedinUrl: c.linkedinUrl,
  };
}

/** The name kept on a meeting whose contact was deleted, as a contact with no details. */
function contactFromName(name: string): NonNullable<RenderContext['contact']> {
  const [firstName, ...rest] = name.trim().split(/\s+/);
  return {
    firstName: firstName ?? name,
    lastName: rest.length ? rest.join(' ') : null,
    fullName: name,
    email: null,
    title: null,
    phone: null,
    linkedinUrl: null,
  };
}

function organisationView(o: Organisation): NonNullable<RenderContext['organisation']> {
  return {
    name: o.name,
    website: o.website,
    industry: o.industry,
    location: o.location,
    description: o.description,
    structureNotes: o.structureNotes,
    nicheNotes: o.nicheNotes,
    goalsNotes: o.goalsNotes,
    careerProspectsNotes: o.careerProspectsNotes,
    cultureNotes: o.cultureNotes,
  };
}

/** A contact with its organisation, both the user's. */
function loadContact(m: EntityManager, userId: string, contactId: string): Promise<Contact | null> {
  return m
    .getRepository(Contact)
    .createQueryBuilder('c')
    .leftJoinAndSelect('c.organisation', 'co', 'co.user_id = c.user_id')
    .where('c.id = :contactId AND c.user_id = :userId', { contactId, userId })
    .getOne();
}

/**
 * Everything a template may show for one email, read now from Postgres with a constant number
 * of queries, every one scoped by the user: the user; the meeting with its contact, organisations
 * and agenda; or the contact with its organisation; the digest list; when an outreach went out.
 * Returns null when the user or the referenced meeting no longer exists.
 */
export async function loadRenderContext(m: EntityManager, opts: RenderContextOptions): Promise<RenderContext | null> {
  const { userId, kind } = opts;
  if (!isUuid(userId)) return null;
  const user = await m.getRepository(User).findOneBy({ id: userId });
  if (!user) return null;

  let meeting: Meeting | null = null;
  let agenda: AgendaItem[] = [];
  if (opts.meetingId) {
    if (!isUuid(opts.meetingId)) return null;
    meeting = await m
      .getRepository(Meeting)
      .createQueryBuilder('m')
      .leftJoinAndSelect('m.contact', 'c', 'c.user_id = m.user_id')
      .leftJoinAndSelect('m.organisation', 'o', 'o.user_id = m.user_id')
      .leftJoinAndSelect('c.organisation', 'co', 'co.user_id = m.user_id')
      .where('m.id = :meetingId AND m.user_id = :userId', { meetingId: opts.meetingId, userId })
      .getOne();
    if (!meeting) return null;
    agenda = await m.getRepository(AgendaItem).find({
      where: { meetingId: meeting.id, userId },
      order: { position: 'ASC' },
    });
  }

  // The row's contact, else the meeting's (already loaded with it).
  const contactId = opts.contactId ?? meeting?.contactId ?? null;
  let contact: Contact | null = null;
  if (contactId && meeting?.contact && meeting.contact.id === contactId) contact = meeting.contact;
  else if (contactId && isUuid(contactId)) contact = await loadContact(m, userId, contactId);

  const organisation = meeting?.organisation ?? contact?.organisation ?? null;
  const recipientZone = (CONTACT_FACING.has(kind) ? contact?.timezone : null) ?? user.timezone;

  return {
    kind,
    recipient: { name: opts.toName, email: opts.toEmail, timezone: recipientZone },
    user: { name: user.name, email: user.email, timezone: user.timezone },
    contact: contact ? contactView(contact) : meeting ? contactFromName(meeting.contactName) : null,
    organisation: organisation ? organisationView(organisation) : null,
    meeting: meeting
      ? {
          id: meeting.id,
          title: meeting.title,
          startsAt: meeting.startsAt,
          endsAt: meeting.endsAt,
          timezone: meeting.timezone,
          location: meeting.location,
          videoUrl: meeting.videoUrl,
          notes: meeting.notes,
          status: meeting.status,
          icsSequence: meeting.icsSequence,
          agenda: agenda.map((a) => ({ text: a.text, category: a.category })),
        }
      : null,
    digest: kind === EmailKind.KEEP_IN_TOUCH_DIGEST ? await loadDigest(m, userId) : null,
    message: opts.message ?? null,
    outreach: kind === EmailKind.OUTREACH_NUDGE && contact ? await loadOutreach(m, userId, contact.id) : null,
    unsubscribeUrl: opts.unsubscribeUrl,
    appUrl: opts.appUrl,
  };
}

/** The user's contacts whose keep-in-touch cadence has run out, most overdue first. */
async function loadDigest(m: EntityManager, userId: string): Promise<NonNullable<RenderContext['digest']>> {
  const rows: {
    first_name: string;
    last_name: string | null;
    organisation_name: string | null;
    last_contacted_at: Date | null;
    due_since: Date;
  }[] = await m.query(
    `SELECT c.first_name, c.last_name, o.name AS organisation_name, c.last_contacted_at, d.due_since
         FROM contacts c
         CROSS JOIN LATERAL (
           SELECT coalesce(c.last_contacted_at, c.created_at) + make_interval(days => c.keep_in_touch_every_days) AS due_since
         ) d
         LEFT JOIN organisations o ON o.id = c.organisation_id AND o.user_id = c.user_id
        WHERE c.user_id = $1
          AND ${CONTACT_DUE_SQL}
        ORDER BY d.due_since, c.id
        LIMIT $2`,
    [userId, DIGEST_LIMIT],
  );
  return rows.map((r) => ({
    fullName: r.last_name ? `${r.first_name} ${r.last_name}` : r.first_name,
    organisationName: r.organisation_name,
    lastContactedAt: r.last_contacted_at,
    dueSince: r.due_since,
  }));
}

/** When the latest outreach request to this contact went out (or is due to), if Rapport sent one. */
async function loadOutreach(m: EntityManager, userId: string, contactId: string): Promise<RenderContext['outreach']> {
  const [row]: { at: Date }[] = await m.query(
    `SELECT coalesce(sent_at, send_at) AS at
       FROM scheduled_emails
      WHERE user_id = $1 AND contact_id = $2 AND kind = 'OUTREACH'
        AND status IN ('SENT', 'SENDING', 'UNCERTAIN', 'PENDING')
      ORDER BY coalesce(sent_at, send_at) DESC
      LIMIT 1`,
    [userId, contactId],
  );
  return row ? { requestedAt: row.at } : null;
}
