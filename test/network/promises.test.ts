import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CompleteMeetingDocument,
  CreateCommitmentDocument,
  CreateContactDocument,
  DeleteCommitmentDocument,
  EditCommitmentDocument,
  MeetingPromisesAndLeadsDocument,
  PromiseListDocument,
  ScheduleMeetingDocument,
} from '../generated/graphql';

const HOUR = 3600_000;
const at = (hours: number) => new Date(Math.floor((Date.now() + hours * HOUR) / 60_000) * 60_000).toISOString();

let app: TestApp;
let ada: SignedInUser;
beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url, { timezone: 'America/New_York' });
});
afterAll(() => app.close());

const contact = async (user: SignedInUser, firstName: string) =>
  (await user.ok(CreateContactDocument, { input: { firstName } })).createContact;

describe('promises outside a debrief', () => {
  it('records one on its own, edits every field, and removes it', async () => {
    const grace = await contact(ada, 'Grace');
    const { createCommitment: p } = await ada.ok(CreateCommitmentDocument, {
      input: { description: '  Send Grace my portfolio ', dueOn: '2031-03-09', contactId: grace.id },
    });
    expect(p).toMatchObject({
      owner: 'ME',
      description: 'Send Grace my portfolio',
      dueOn: '2031-03-09',
      done: false,
      meeting: null,
      contact: { id: grace.id },
    });

    const edited = (
      await ada.ok(EditCommitmentDocument, {
        id: p.id,
        input: { description: 'Send the portfolio and CV', dueOn: '2031-03-10', contactId: null },
      })
    ).updateCommitment;
    expect(edited).toMatchObject({ description: 'Send the portfolio and CV', dueOn: '2031-03-10', contact: null });
    const done = (await ada.ok(EditCommitmentDocument, { id: p.id, input: { done: true } })).updateCommitment;
    expect(done.done).toBe(true);
    // Marking it done again keeps when it was first done.
    const again = (await ada.ok(EditCommitmentDocument, { id: p.id, input: { done: true } })).updateCommitment;
    expect(again.doneAt).toBe(done.doneAt);

    expect((await ada.ok(DeleteCommitmentDocument, { id: p.id })).deleteCommitment).toBe(p.id);
    const { commitments } = await ada.ok(PromiseListDocument, { filter: { contactId: grace.id } });
    expect(commitments.totalCount).toBe(0);
    expect(errorOf(await ada.run(DeleteCommitmentDocument, { id: p.id })).extensions?.code).toBe('NOT_FOUND');
  });

  it('adds a promise to a meeting after its debrief, owed to the meeting’s contact by default', async () => {
    const alan = await contact(ada, 'Alan');
    const { scheduleMeeting: m } = await ada.ok(ScheduleMeetingDocument, {
      input: { contactId: alan.id, startsAt: at(-5), endsAt: at(-4) },
    });
    await ada.ok(CompleteMeetingDocument, {
      id: m.id,
      input: { commitments: [{ owner: 'CONTACT', description: 'Alan sends the team’s org chart' }] },
    });
    const { createCommitment: p } = await ada.ok(CreateCommitmentDocument, {
      input: { meetingId: m.id, description: 'Read the paper Alan mentioned', dueOn: '2031-01-02' },
    });
    expect(p).toMatchObject({ owner: 'ME', meeting: { id: m.id }, contact: { id: alan.id } });
    const { meeting } = await ada.ok(MeetingPromisesAndLeadsDocument, { id: m.id });
    expect(meeting?.commitments.nodes.map((c) => c.description).sort()).toEqual([
      'Alan sends the team’s org chart',
      'Read the paper Alan mentioned',
    ]);
    // A promise the contact made can be added too, and edited after the debrief.
    const theirs = meeting!.commitments.nodes.find((c) => c.owner === 'CONTACT')!;
    const { updateCommitment } = await ada.ok(EditCommitmentDocument, {
      id: theirs.id,
      input: { description: 'Alan sends the org chart and the hiring plan' },
    });
    expect(updateCommitment.description).toBe('Alan sends the org chart and the hiring plan');
  });

  it('refuses bad input, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ description: '   ' }, 'input.description'],
      [{ description: 'x'.repeat(1001) }, 'input.description'],
      [{ description: 'ok', dueOn: '2031-02-29' }, 'input.dueOn'],
      [{ description: 'ok', dueOn: '9 March' }, 'input.dueOn'],
    ];
    for (const [input, field] of cases) {
      const res = await ada.run(CreateCommitmentDocument, { input: input as never });
      const { code, fields } = errorOf(res).extensions as { code: string; fields: { field: string }[] };
      expect({ code, fields: [...new Set(fields.map((f) => f.field))] }).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [field],
      });
    }
    const { createCommitment: p } = await ada.ok(CreateCommitmentDocument, { input: { description: 'ok' } });
    const res = await ada.run(EditCommitmentDocument, { id: p.id, input: { description: null } });
    expect(errorOf(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.description' }] });
    const ghost = '00000000-0000-4000-8000-000000000000';
    for (const key of ['contactId', 'meetingId']) {
      const r = await ada.run(CreateCommitmentDocument, { input: { description: 'ok', [key]: ghost } });
      expect(errorOf(r).extensions).toMatchObject({ code: 'NOT_FOUND', fields: [{ field: `input.${key}` }] });
    }
  });

  it('lists soonest due first, undated last, across pages', async () => {
    const user = await signedInUser(app.url);
    for (const dueOn of ['2031-05-01', null, '2031-04-01', '2031-06-01'])
      await user.ok(CreateCommitmentDocument, { input: { description: `due ${dueOn}`, dueOn } });
    const first = await user.ok(PromiseListDocument, { first: 2 });
    expect(first.commitments.edges.map((e) => e.node.dueOn)).toEqual(['2031-04-01', '2031-05-01']);
    const rest = await user.ok(PromiseListDocument, { first: 2, after: first.commitments.pageInfo.endCursor });
    expect(rest.commitments.edges.map((e) => e.node.dueOn)).toEqual(['2031-06-01', null]);
    expect(rest.commitments.pageInfo.hasNextPage).toBe(false);
  });
});
