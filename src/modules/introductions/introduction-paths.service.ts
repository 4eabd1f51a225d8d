import { In, type DataSource } from 'typeorm';
import { relationNotFound, ValidationError } from '../../core/errors';
import { isUuid } from '../../core/ids';
import type { AuthUser } from '../auth/access-tokens';
import { Contact, HowWeKnow } from '../contacts/contact.entity';
import { Organisation } from '../organisations/organisation.entity';
import type { IntroductionPathsArgs } from './introduction-paths.inputs';
import { INTRODUCTION_PATHS_SQL, LINK_WARMTH, WALK_LIMITS } from './introduction-paths.sql';
import { PathReason, type IntroductionPaths, type IntroductionStep } from './introduction-paths.types';

interface PathRow {
  seen: string[];
  reasons: string[];
  meetings: (string | null)[];
  hops: number;
  warmth: number;
  score: number;
  met: boolean;
  followed_up: boolean;
  howWeKnow: HowWeKnow;
  endsWithDecisionMaker: boolean;
  meetingDates: Record<string, string> | null;
  metOn: string | null;
  lastContactedOn: string | null;
  truncated: boolean;
}

const PERSONAL_TIES: ReadonlySet<HowWeKnow> = new Set([
  HowWeKnow.FRIEND,
  HowWeKnow.FAMILY,
  HowWeKnow.COLLEAGUE,
  HowWeKnow.MANAGER,
  HowWeKnow.PROFESSOR,
  HowWeKnow.ALUMNI,
]);

/** Ranked chains of people from the user to someone at an organisation, or to a contact. */
export class IntroductionPathService {
  constructor(private readonly ds: DataSource) {}

  async find(user: AuthUser, { to, maxHops, first }: IntroductionPathsArgs): Promise<IntroductionPaths> {
    const { organisationId, contactId } = to;
    if ((organisationId == null) === (contactId == null)) {
      throw ValidationError.field('to', 'give exactly one of organisationId and contactId');
    }
    let organisation: Organisation | null = null;
    if (organisationId != null) {
      organisation = isUuid(organisationId)
        ? await this.ds.getRepository(Organisation).findOneBy({ id: organisationId, userId: user.id })
        : null;
      if (!organisation) throw relationNotFound('to.organisationId', 'Organisation');
    } else {
      const target = isUuid(contactId!)
        ? await this.ds.getRepository(Contact).existsBy({ id: contactId!, userId: user.id })
        : false;
      if (!target) throw relationNotFound('to.contactId', 'Contact');
    }

    const rows: PathRow[] = await this.ds.query(INTRODUCTION_PATHS_SQL, [
      user.id,
      organisation?.id ?? null,
      organisation ? null : contactId,
      maxHops,
      WALK_LIMITS.chainsPerLevel,
      WALK_LIMITS.linksPerPerson,
      first,
    ]);
    if (!rows.length) return { paths: [], truncated: false };
    const ids = [...new Set(rows.flatMap((r) => r.seen))];
    const contacts = await this.ds.getRepository(Contact).findBy({ id: In(ids), userId: user.id });
    const byId = new Map(contacts.map((c) => [c.id, c]));
    const paths = rows
      .filter((row) => row.seen.every((id) => byId.has(id)))
      .map((row) => ({
        hops: row.hops,
        score: row.score,
        endsWithDecisionMaker: row.endsWithDecisionMaker,
        steps: stepsOf(row, byId, organisation),
      }));
    return { paths, truncated: rows[0].truncated };
  }
}

/** The chain from the user outwards: `seen` runs from the target back to the first contact. */
function stepsOf(row: PathRow, byId: Map<string, Contact>, organisation: Organisation | null): IntroductionStep[] {
  const people = row.seen.map((id) => byId.get(id)!);
  const dateOf = (i: number) => (row.meetings[i] && row.meetingDates?.[row.meetings[i]!]) || 'an unknown date';
  const last = people.length - 1;
  const steps: IntroductionStep[] = [
    {
      contact: people[last],
      organisation: null,
      reason: PathReason.YOUR_CONTACT,
      text: knownText(row, people[last]),
      warmth: row.warmth,
    },
  ];
  for (let i = last; i >= 1; i--) {
    const prev = people[i].fullName;
    const next = people[i - 1].fullName;
    const reason = row.reasons[i] as keyof typeof LINK_WARMTH & PathReason;
    const text = {
      [PathReason.INTRODUCED]: `${prev} introduced you to ${next}`,
      [PathReason.REFERRED_IN_MEETING]: `${prev} suggested ${next} in your meeting on ${dateOf(i)}`,
      [PathReason.INTRODUCED_BY]: `${next} introduced you to ${prev}`,
      [PathReason.REPORTS_TO]: `${prev} reports to ${next}`,
      [PathReason.MANAGES]: `${next} reports to ${prev}`,
    }[reason as string];
    steps.push({
      contact: people[i - 1],
      organisation: null,
      reason,
      text: text ?? reason,
      warmth: LINK_WARMTH[reason],
    });
  }
  const why = row.reasons[0];
  if (organisation && (why === PathReason.WORKS_AT || why === PathReason.WORKED_AT)) {
    const name = people[0].fullName;
    steps.push({
      contact: people[0],
      organisation,
      reason: why,
      text:
        why === PathReason.WORKS_AT
          ? `${name} works at ${organisation.name}`
          : `${name} was at ${organisation.name} when you met on ${dateOf(0)}`,
      warmth: LINK_WARMTH[why],
    });
  }
  return steps;
}

function knownText(row: PathRow, contact: Contact): string {
  const facts: string[] = [];
  if (row.metOn) facts.push(`you met on ${row.metOn}`);
  if (row.followed_up) facts.push('you followed up');
  if (row.lastContactedOn) facts.push(`last in touch on ${row.lastContactedOn}`);
  if (PERSONAL_TIES.has(row.howWeKnow)) facts.push(`a ${row.howWeKnow.toLowerCase()}`);
  return facts.length
    ? `${contact.fullName} is one of your contacts: ${facts.join(', ')}`
    : `${contact.fullName} is one of your contacts (not met yet)`;
}
