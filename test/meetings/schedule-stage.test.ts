import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CancelMeetingDocument,
  ContactDocument,
  CreateContactDocument,
  MeetingsDocument,
  ScheduleMeetingDocument,
  ScheduledEmailsDocument,
  type ContactStage,
} from '../generated/graphql';

// scheduleMeeting moves a contact to SCHEDULED only where the stage cycle allows it: a MET or
// FOLLOWED_UP contact keeps their stage, and a DECLINED one is refused unless the user says so.

const HOUR = 3600_000;
const at = (hours: number) => new Date(Math.floor((Date.now() + hours * HOUR) / 60_000) * 60_000).toISOString();

let app: TestApp;
let user: SignedInUser;
let slot = 0;
beforeAll(async () => {
  app = await startTestApp();
  user = await signedInUser(app.url);
});
afterAll(() => app.close());

async function contactIn(stage: ContactStage) {
  const input = { firstName: stage, lastName: `Contact ${slot}`, email: `stage-${slot}@example.test`, stage };
  return (await user.ok(CreateContactDocument, { input })).createContact;
}

/** A fresh two-hour slot each call, so no test's meetings overlap another's. */
function nextSlot(contactId: string, extra: { reopenDeclined?: boolean } = {}) {
  slot += 1;
  return { input: { contactId, startsAt: at(24 + slot * 2), endsAt: at(25 + slot * 2), ...extra } };
}

const stageOf = async (id: string) => (await user.ok(ContactDocument, { id })).contact?.stage;

describe('scheduleMeeting and the contact stage', () => {
  it.each<[ContactStage, ContactStage]>([
    ['IDENTIFIED', 'SCHEDULED'],
    ['REQUESTED', 'SCHEDULED'],
    ['NURTURING', 'SCHEDULED'],
    ['SCHEDULED', 'SCHEDULED'],
    ['MET', 'MET'],
    ['FOLLOWED_UP', 'FOLLOWED_UP'],
  ])('a %s contact is %s after a meeting is planned', async (before, after) => {
    const contact = await contactIn(before);
    const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, nextSlot(contact.id));
    expect(scheduleMeeting).toMatchObject({ status: 'SCHEDULED', contact: { id: contact.id, stage: after } });
    expect(await stageOf(contact.id)).toBe(after);
  });

  it('keeps a MET contact MET when their second meeting is cancelled', async () => {
    const contact = await contactIn('MET');
    const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, nextSlot(contact.id));
    await user.ok(CancelMeetingDocument, { id: scheduleMeeting.id });
    expect(await stageOf(contact.id)).toBe('MET');
  });

  it('refuses a DECLINED contact with CONFLICT CONTACT_DECLINED, planning nothing', async () => {
    const contact = await contactIn('DECLINED');
    const refused = errorOf(await user.run(ScheduleMeetingDocument, nextSlot(contact.id)));
    expect(refused.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'CONTACT_DECLINED',
      fields: [{ field: 'input.contactId' }],
    });
    expect(refused.message).toMatch(/reopenDeclined/);
    expect(await stageOf(contact.id)).toBe('DECLINED');
    const { meetings } = await user.ok(MeetingsDocument, { first: 5, filter: { contactId: contact.id } });
    expect(meetings.totalCount).toBe(0);
    const { scheduledEmails } = await user.ok(ScheduledEmailsDocument, { filter: { contactId: contact.id }, first: 5 });
    expect(scheduledEmails.totalCount).toBe(0);
    // Saying no to reopening is the same as not asking.
    const again = errorOf(await user.run(ScheduleMeetingDocument, nextSlot(contact.id, { reopenDeclined: false })));
    expect(again.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CONTACT_DECLINED' });
  });

  it('schedules a DECLINED contact who changed their mind when asked to, moving them to SCHEDULED', async () => {
    const contact = await contactIn('DECLINED');
    const { scheduleMeeting } = await user.ok(ScheduleMeetingDocument, nextSlot(contact.id, { reopenDeclined: true }));
    expect(scheduleMeeting).toMatchObject({ status: 'SCHEDULED', contact: { id: contact.id, stage: 'SCHEDULED' } });
    expect(await stageOf(contact.id)).toBe('SCHEDULED');
  });

  it('leaves a contact that is not DECLINED as the rules say when reopenDeclined is given anyway', async () => {
    const contact = await contactIn('MET');
    await user.ok(ScheduleMeetingDocument, nextSlot(contact.id, { reopenDeclined: true }));
    expect(await stageOf(contact.id)).toBe('MET');
  });
});
