import type { DataSource } from 'typeorm';
import {
  CancelMeetingDocument,
  CreateCommitmentDocument,
  CreateContactDocument,
  CreateInsightDocument,
  CreateJobLeadDocument,
  CreateOrganisationDocument,
  CreateQuestionDocument,
  DeleteCommitmentDocument,
  DeleteContactDocument,
  DeleteInsightDocument,
  DeleteJobLeadDocument,
  DeleteOrganisationDocument,
  DeleteQuestionDocument,
  EditCommitmentDocument,
  ImportContactsDocument,
  MergeContactsDocument,
  ScheduleMeetingDocument,
  UpdateContactDocument,
  UpdateInsightDocument,
  UpdateJobLeadDocument,
  UpdateMeetingDocument,
  UpdateOrganisationDocument,
  UpdateQuestionDocument,
  type Topic,
} from '../generated/graphql';
import type { SignedInUser } from '../helpers/factories';

/** A small seeded generator (mulberry32): the same seed, the same run. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(items: readonly T[]): T | undefined {
      return items.length ? items[Math.floor(next() * items.length)] : undefined;
    },
  };
}
export type Random = ReturnType<typeof seeded>;

const TOPICS: Topic[] = ['CULTURE', 'SALARY', 'ADVICE', 'SKILLS_AND_TRAINING', 'OTHER'];

/** Ids of what the user has now, read from the database so cascades and imports are counted. */
async function liveIds(ds: DataSource, userId: string) {
  const ids = async (sql: string) => (await ds.query<{ id: string }[]>(sql, [userId])).map((r) => r.id);
  return {
    organisations: await ids('SELECT id FROM organisations WHERE user_id = $1 ORDER BY id'),
    contacts: await ids('SELECT id FROM contacts WHERE user_id = $1 ORDER BY id'),
    scheduled: await ids(`SELECT id FROM meetings WHERE user_id = $1 AND status = 'SCHEDULED' ORDER BY id`),
    // One whose contact and organisation were deleted (SET NULL) cannot be edited: deleted only.
    insights: await ids('SELECT id FROM insights WHERE user_id = $1 ORDER BY id'),
    editableInsights: await ids(
      `SELECT id FROM insights WHERE user_id = $1
          AND num_nonnulls(contact_id, organisation_id, meeting_id) > 0 ORDER BY id`,
    ),
    commitments: await ids('SELECT id FROM commitments WHERE user_id = $1 ORDER BY id'),
    jobLeads: await ids('SELECT id FROM job_leads WHERE user_id = $1 ORDER BY id'),
    questions: await ids('SELECT id FROM questions WHERE user_id = $1 ORDER BY id'),
  };
}

/**
 * Random creates, edits and deletes of every synced type through the API, merges and imports
 * among them; the kinds of operation done are counted, so a test can show it covered them all.
 */
export class RandomWrites {
  readonly done: Record<string, number> = {};
  private serial = 0;

  constructor(
    private readonly user: SignedInUser,
    private readonly ds: DataSource,
    private readonly random: Random,
  ) {}

  async one(): Promise<void> {
    const live = await liveIds(this.ds, this.user.user.id);
    const r = this.random;
    const n = ++this.serial;
    const u = this.user;
    const org = () => r.pick(live.organisations) ?? null;
    const contact = () => r.pick(live.contacts) ?? null;
    const ops: [string, number, () => unknown][] = [
      ['createOrganisation', 3, () => u.ok(CreateOrganisationDocument, { input: { name: `Org ${n}`, tags: ['a'] } })],
      [
        'updateOrganisation',
        3,
        () =>
          live.organisations.length && u.ok(UpdateOrganisationDocument, { id: org()!, input: { industry: `I${n}` } }),
      ],
      ['deleteOrganisation', 1, () => live.organisations.length && u.ok(DeleteOrganisationDocument, { id: org()! })],
      [
        'createContact',
        5,
        () =>
          u.ok(CreateContactDocument, {
            input: {
              firstName: `P${n}`,
              lastName: r.pick(['Ng', 'Okafor', 'Smith', 'Zhou']),
              email: `p${n}@sync.example`,
              organisationId: org(),
              introducedById: contact(),
            },
          }),
      ],
      [
        'updateContact',
        4,
        // A new last name moves the contact in the list's name order (across pages).
        () =>
          live.contacts.length &&
          u.ok(UpdateContactDocument, { id: contact()!, input: { lastName: `L${n}`, notes: `note ${n}` } }),
      ],
      ['deleteContact', 2, () => live.contacts.length && u.ok(DeleteContactDocument, { id: contact()! })],
      [
        'mergeContacts',
        1,
        () => {
          const [keepId, mergeId] = [contact(), contact()];
          return keepId && mergeId && keepId !== mergeId && u.ok(MergeContactsDocument, { keepId, mergeId });
        },
      ],
      [
        'importContacts',
        1,
        () => {
          // One row matches an existing contact by email (an update), two are new.
          const rows = [`I${n}a,Imp,i${n}a@sync.example,Imported ${n}`, `I${n}b,Imp,i${n}b@sync.example,`];
          if (live.contacts.length) rows.push(`Again,Imp,p${1 + r.int(n)}@sync.example,`);
          const content = ['First Name,Last Name,Email Address,Company', ...rows].join('\n');
          return u.ok(ImportContactsDocument, { input: { format: 'CSV', content, dryRun: false } });
        },
      ],
      [
        'scheduleMeeting',
        3,
        () => {
          const contactId = contact();
          if (!contactId) return null;
          const startsAt = new Date(Date.now() + (1 + r.int(40)) * 86_400_000 + r.int(600) * 60_000);
          return u.ok(ScheduleMeetingDocument, {
            input: {
              contactId,
              title: `Coffee ${n}`,
              startsAt: startsAt.toISOString(),
              endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
              allowOverlap: true,
            },
          });
        },
      ],
      [
        'updateMeeting',
        2,
        () =>
          live.scheduled.length &&
          u.ok(UpdateMeetingDocument, { id: r.pick(live.scheduled)!, input: { title: `Renamed ${n}` } }),
      ],
      [
        'cancelMeeting',
        1,
        () => live.scheduled.length && u.ok(CancelMeetingDocument, { id: r.pick(live.scheduled)!, reason: `r${n}` }),
      ],
      [
        'createInsight',
        3,
        () =>
          (live.contacts.length || live.organisations.length) &&
          u.ok(CreateInsightDocument, {
            input: { category: r.pick(TOPICS)!, text: `Learnt ${n}`, contactId: contact(), organisationId: org() },
          }),
      ],
      [
        'updateInsight',
        2,
        () =>
          live.editableInsights.length &&
          u.ok(UpdateInsightDocument, { id: r.pick(live.editableInsights)!, input: { text: `Fix ${n}` } }),
      ],
      ['deleteInsight', 1, () => live.insights.length && u.ok(DeleteInsightDocument, { id: r.pick(live.insights)! })],
      [
        'createCommitment',
        3,
        () => u.ok(CreateCommitmentDocument, { input: { description: `Promise ${n}`, contactId: contact() } }),
      ],
      [
        'updateCommitment',
        2,
        () =>
          live.commitments.length &&
          u.ok(EditCommitmentDocument, { id: r.pick(live.commitments)!, input: { done: r.next() < 0.5 } }),
      ],
      [
        'deleteCommitment',
        1,
        () => live.commitments.length && u.ok(DeleteCommitmentDocument, { id: r.pick(live.commitments)! }),
      ],
      [
        'createJobLead',
        2,
        () =>
          u.ok(CreateJobLeadDocument, {
            input: { title: `Role ${n}`, organisationId: org(), referredById: contact() },
          }),
      ],
      [
        'updateJobLead',
        2,
        () =>
          live.jobLeads.length &&
          u.ok(UpdateJobLeadDocument, { id: r.pick(live.jobLeads)!, input: { notes: `n${n}` } }),
      ],
      ['deleteJobLead', 1, () => live.jobLeads.length && u.ok(DeleteJobLeadDocument, { id: r.pick(live.jobLeads)! })],
      ['createQuestion', 1, () => u.ok(CreateQuestionDocument, { input: { category: 'ADVICE', text: `Why ${n}?` } })],
      [
        'updateQuestion',
        1,
        () =>
          live.questions.length &&
          u.ok(UpdateQuestionDocument, { id: r.pick(live.questions)!, input: { text: `How ${n}?` } }),
      ],
      [
        'deleteQuestion',
        1,
        () => live.questions.length && u.ok(DeleteQuestionDocument, { id: r.pick(live.questions)! }),
      ],
    ];
    // Weighted pick; an operation with nothing to act on yet picks again.
    const total = ops.reduce((sum, [, weight]) => sum + weight, 0);
    for (;;) {
      let roll = r.int(total);
      const [name, , run] = ops.find(([, weight]) => (roll -= weight) < 0)!;
      const result = await run();
      if (result) {
        this.done[name] = (this.done[name] ?? 0) + 1;
        return;
      }
    }
  }
}
