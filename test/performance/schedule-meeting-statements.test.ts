import { sendJobId } from '../../src/modules/emails/email-queue';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { SqlCounter } from '../helpers/sql-counter';
import {
  CompleteMeetingBriefDocument,
  CreateContactDocument,
  CreateOrganisationDocument,
  QuestionsDocument,
  ScheduleMeetingBriefDocument,
  ScheduleMeetingDocument,
} from '../generated/graphql';

const sql = new SqlCounter();
let app: TestApp;
let ada: SignedInUser;

beforeAll(async () => {
  app = await startTestApp({}, { sql });
  ada = await signedInUser(app.url, { timezone: 'Europe/Paris' });
});
afterAll(() => app.close());

const DAY = 86_400_000;
/** A whole hour `days` from now. */
const at = (days: number, hour = 0) =>
  new Date(Math.floor((Date.now() + days * DAY) / 3600_000) * 3600_000 + hour * 3600_000);

it('schedules a meeting with its agenda, three emails and their timers in 4 statements', async () => {
  const { createOrganisation: org } = await ada.ok(CreateOrganisationDocument, { input: { name: 'Acme' } });
  const { createContact: contact } = await ada.ok(CreateContactDocument, {
    input: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@acme.example', organisationId: org.id },
  });
  const { questions } = await ada.ok(QuestionsDocument, { first: 3 });
  const bank = questions.edges.map((e) => e.node.id);
  const startsAt = at(10);
  let meetingId = '';
  const statements = await sql.during(async () => {
    const { scheduleMeeting } = await ada.ok(ScheduleMeetingBriefDocument, {
      input: {
        contactId: contact.id,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
        questionIds: bank,
        agenda: [{ text: 'How did you get your first role?', category: 'ENTRY_PATHS' }],
      },
    });
    meetingId = scheduleMeeting.id;
  });
  // The reads (contact, user, questions and the calendar lock), the overlap check with the
  // meeting, agenda and stage change written behind it, the emails' render data, and the outbox
  // rows with their events: one statement each, whatever the agenda's length (the goal is at most
  // 6; docs/benchmarks.md, W1).
  expect(statements.length).toBe(4);

  // Everything a scheduled meeting has, written by those statements.
  const [agenda] = await app.infra.ds.query(
    'SELECT count(*)::int AS n FROM meeting_agenda_items WHERE meeting_id = $1',
    [meetingId],
  );
  expect(agenda.n).toBe(4);
  const rows: { id: string; kind: string; send_at: Date; subject: string }[] = await app.infra.ds.query(
    'SELECT id, kind, send_at, subject FROM scheduled_emails WHERE meeting_id = $1 ORDER BY kind',
    [meetingId],
  );
  expect(rows.map((r) => r.kind).sort()).toEqual(['FOLLOW_UP', 'PREP_REMINDER', 'THANK_YOU']);
  expect(rows.every((r) => r.subject.length > 0)).toBe(true);
  const [events] = await app.infra.ds.query(
    `SELECT count(*)::int AS n FROM email_events WHERE scheduled_email_id = ANY($1) AND event = 'PLANNED'`,
    [rows.map((r) => r.id)],
  );
  expect(events.n).toBe(3);
  const [stage] = await app.infra.ds.query('SELECT stage FROM contacts WHERE id = $1', [contact.id]);
  expect(stage.stage).toBe('SCHEDULED');
  for (const row of rows) {
    expect(await app.http.services.emailQueue.getJob(sendJobId(row.id, row.send_at))).toBeDefined();
  }

  // A second meeting costs the same (nothing was cached for the first one only).
  const again = await sql.during(() =>
    ada.ok(ScheduleMeetingBriefDocument, {
      input: {
        contactId: contact.id,
        startsAt: at(11).toISOString(),
        endsAt: at(11, 1).toISOString(),
        questionIds: bank.slice(0, 1),
      },
    }),
  );
  expect(again.length).toBe(statements.length);
});

it('completes a meeting with a full debrief in at most 15 statements', async () => {
  const { createContact: contact } = await ada.ok(CreateContactDocument, {
    input: { firstName: 'Debra', lastName: 'Brief', email: 'debra@acme.example' },
  });
  const startsAt = new Date(Math.floor(Date.now() / 3600_000) * 3600_000 - 3 * 3600_000);
  const { scheduleMeeting: meeting } = await ada.ok(ScheduleMeetingDocument, {
    input: {
      contactId: contact.id,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
      agenda: [{ text: 'One' }, { text: 'Two' }],
    },
  });
  const statements = await sql.during(() =>
    ada.ok(CompleteMeetingBriefDocument, {
      id: meeting.id,
      input: {
        notes: 'Generous with time.',
        answers: meeting.agenda.map((a) => ({ agendaItemId: a.id, answer: `About ${a.text}` })),
        insights: [
          { category: 'DAY_TO_DAY', text: 'Reviews and planning.' },
          { category: 'HIRING_CHANNELS', text: 'Referrals first.' },
        ],
        commitments: [
          { owner: 'ME', description: 'Send my portfolio' },
          { owner: 'CONTACT', description: 'Introduce me' },
        ],
        jobLeads: [{ title: 'Analyst' }],
        referrals: [{ firstName: 'Ref', email: 'ref@acme.example' }],
      },
    }),
  );
  // The meeting locked, then saved (TypeORM reads it and updates it); the answers, insights,
  // promises, job lead, referral and stage move one statement each; the meeting's outbox read in
  // one; each of its two emails re-planned with its render data and an update, plus a MOVED event
  // when its time changed (the thank-you moves unless both plans fall outside the sending window).
  expect(statements.length).toBeLessThanOrEqual(15);
});
