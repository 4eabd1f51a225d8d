import { ContactStage } from '../../contacts/contact-stage';
import { MeetingStatus } from '../../meetings/meeting.entity';
import type { EmailFacts } from '../email-context';
import { ACCOUNT_EMAILS, CONTACT_FACING, EmailKind, EmailStatus } from '../email-kind';
import { decideSend, type SendPolicyInput } from '../send-policy';

const MEETING = '00000000-0000-4000-8000-00000000000a';
const CONTACT = '00000000-0000-4000-8000-00000000000c';
const OTHER_CONTACT = '00000000-0000-4000-8000-00000000000d';

const MEETING_KINDS = new Set([
  EmailKind.PREP_REMINDER,
  EmailKind.THANK_YOU,
  EmailKind.FOLLOW_UP,
  EmailKind.MEETING_CANCELLED,
  EmailKind.MEETING_UPDATED,
]);

/** A row of `kind` whose every fact still holds: an active user, a scheduled meeting, a REQUESTED contact. */
const USER_EMAIL = 'ada@example.test';

function input(
  kind: EmailKind,
  changes: Partial<Omit<SendPolicyInput, 'facts'>> = {},
  facts: Partial<EmailFacts> = {},
): SendPolicyInput {
  const withMeeting = MEETING_KINDS.has(kind);
  return {
    kind,
    meetingId: withMeeting ? MEETING : null,
    contactId: kind === EmailKind.KEEP_IN_TOUCH_DIGEST ? null : CONTACT,
    dueContacts: kind === EmailKind.KEEP_IN_TOUCH_DIGEST ? 3 : null,
    dueItems: kind === EmailKind.COMMITMENT_DUE || kind === EmailKind.JOB_LEAD_DEADLINE ? 2 : null,
    toEmail: USER_EMAIL,
    ...changes,
    facts: {
      // The verification email is for an unverified address; everything else for a verified one.
      // The suspension notice is planned as an account is suspended.
      user: {
        disabledReminders: [],
        suspendedAt: kind === EmailKind.ACCOUNT_SUSPENDED ? new Date(0) : null,
        emailVerified: kind !== EmailKind.EMAIL_VERIFICATION,
        email: USER_EMAIL,
        pendingEmail: null,
      },
      meeting: withMeeting ? { status: MeetingStatus.SCHEDULED } : null,
      contact: { id: CONTACT, emailOptOut: false, stage: ContactStage.REQUESTED },
      suppressedReason: null,
      ...facts,
    },
  };
}

const cancelled = (cancelReason: string, detail: string) => ({
  send: false,
  status: EmailStatus.CANCELLED,
  cancelReason,
  detail,
});
const suppressed = (detail: string) => ({ send: false, status: EmailStatus.SUPPRESSED, cancelReason: null, detail });
const SEND = { send: true };

describe('decideSend', () => {
  it('sends every kind while nothing has changed since it was planned', () => {
    for (const kind of Object.values(EmailKind)) expect([kind, decideSend(input(kind))]).toEqual([kind, SEND]);
  });

  describe('the meeting', () => {
    it('cancels an email about a meeting that was cancelled or was a no-show', () => {
      for (const status of [MeetingStatus.CANCELLED, MeetingStatus.NO_SHOW]) {
        for (const kind of [
          EmailKind.PREP_REMINDER,
          EmailKind.THANK_YOU,
          EmailKind.FOLLOW_UP,
          EmailKind.MEETING_UPDATED,
        ]) {
          expect(decideSend(input(kind, {}, { meeting: { status } }))).toEqual(
            cancelled('MEETING_CANCELLED', 'meeting cancelled'),
          );
        }
      }
    });

    it('sends about a meeting that took place', () => {
      const met = { meeting: { status: MeetingStatus.COMPLETED } };
      expect(decideSend(input(EmailKind.THANK_YOU, {}, met))).toEqual(SEND);
      expect(decideSend(input(EmailKind.FOLLOW_UP, {}, met))).toEqual(SEND);
    });

    it('still sends the cancellation notice of a cancelled meeting, but not once the meeting is gone', () => {
      const notice = (meeting: EmailFacts['meeting']) =>
        decideSend(input(EmailKind.MEETING_CANCELLED, {}, { meeting }));
      expect(notice({ status: MeetingStatus.CANCELLED })).toEqual(SEND);
      expect(notice({ status: MeetingStatus.NO_SHOW })).toEqual(SEND);
      expect(notice(null)).toEqual(cancelled('MEETING_CANCELLED', 'meeting cancelled'));
    });

    it('cancels an email whose meeting no longer exists', () => {
      expect(decideSend(input(EmailKind.PREP_REMINDER, {}, { meeting: null }))).toEqual(
        cancelled('MEETING_CANCELLED', 'meeting cancelled'),
      );
    });

    it('looks at no meeting when the row names none', () => {
      const decision = decideSend(input(EmailKind.OUTREACH, { meetingId: null }, { meeting: null }));
      expect(decision).toEqual(SEND);
    });
  });

  describe('suppression (every email) and opt-out (mail to contacts)', () => {
    const contactFacing = [EmailKind.THANK_YOU, EmailKind.FOLLOW_UP, EmailKind.OUTREACH];

    it('suppresses mail to an address on the suppression list, recording why it is there', () => {
      for (const kind of contactFacing) {
        expect(decideSend(input(kind, {}, { suppressedReason: 'HARD_BOUNCE' }))).toEqual(suppressed('HARD_BOUNCE'));
      }
    });

    it('suppresses mail to a contact who opted out', () => {
      const optedOut = { contact: { id: CONTACT, emailOptOut: true, stage: ContactStage.REQUESTED } };
      for (const kind of contactFacing) {
        expect(decideSend(input(kind, {}, optedOut))).toEqual(suppressed('contact opted out'));
      }
    });

    it('names the suppression list entry when the contact also opted out', () => {
      const both = {
        contact: { id: CONTACT, emailOptOut: true, stage: ContactStage.REQUESTED },
        suppressedReason: 'UNSUBSCRIBED',
      };
      expect(decideSend(input(EmailKind.THANK_YOU, {}, both))).toEqual(suppressed('UNSUBSCRIBED'));
    });

    it("counts only the row's own contact's opt-out, not another contact read with the meeting", () => {
      const meetingContact = { contact: { id: OTHER_CONTACT, emailOptOut: true, stage: ContactStage.MET } };
      expect(decideSend(input(EmailKind.THANK_YOU, {}, meetingContact))).toEqual(SEND);
      expect(decideSend(input(EmailKind.THANK_YOU, { contactId: null }, meetingContact))).toEqual(SEND);
    });

    it('suppresses mail to the user too when their address is on the suppression list', () => {
      const userKinds = Object.values(EmailKind).filter((k) => !CONTACT_FACING.has(k));
      for (const kind of userKinds) {
        for (const reason of ['UNSUBSCRIBED', 'HARD_BOUNCE']) {
          expect(decideSend(input(kind, {}, { suppressedReason: reason }))).toEqual(suppressed(reason));
        }
      }
    });

    it("never stops mail to the user for a contact's own opt-out", () => {
      const optedOut = { contact: { id: CONTACT, emailOptOut: true, stage: ContactStage.REQUESTED } };
      for (const kind of [EmailKind.PREP_REMINDER, EmailKind.MEETING_CANCELLED, EmailKind.MEETING_UPDATED]) {
        expect(decideSend(input(kind, {}, optedOut))).toEqual(SEND);
      }
    });
  });

  describe('reminders to the user', () => {
    const reminders = [EmailKind.PREP_REMINDER, EmailKind.KEEP_IN_TOUCH_DIGEST, EmailKind.OUTREACH_NUDGE];
    const off = cancelled('REMINDER_OFF', 'reminder switched off');

    it('cancels a reminder the user switched off, and only that one', () => {
      for (const kind of reminders) {
        expect(
          decideSend(
            input(
              kind,
              {},
              {
                user: {
                  disabledReminders: [kind],
                  suspendedAt: null,
                  emailVerified: true,
                  email: USER_EMAIL,
                  pendingEmail: null,
                },
              },
            ),
          ),
        ).toEqual(off);
        const others = reminders.filter((k) => k !== kind);
        expect(
          decideSend(
            input(
              kind,
              {},
              {
                user: {
                  disabledReminders: others,
                  suspendedAt: null,
                  emailVerified: true,
                  email: USER_EMAIL,
                  pendingEmail: null,
                },
              },
            ),
          ),
        ).toEqual(SEND);
      }
    });

    it('cancels every email of a suspended account, or of one that no longer exists: mail to contacts too', () => {
      const suspended = cancelled('ACCOUNT_SUSPENDED', 'the account is suspended');
      const gone = cancelled('ACCOUNT_SUSPENDED', 'the account no longer exists');
      expect(decideSend(input(EmailKind.ACCOUNT_SUSPENDED, {}, { user: null }))).toEqual(gone);
      for (const kind of Object.values(EmailKind).filter((k) => k !== EmailKind.ACCOUNT_SUSPENDED)) {
        expect(
          decideSend(
            input(
              kind,
              {},
              {
                user: {
                  disabledReminders: [],
                  suspendedAt: new Date(0),
                  emailVerified: true,
                  email: USER_EMAIL,
                  pendingEmail: null,
                },
              },
            ),
          ),
        ).toEqual(suspended);
        expect(decideSend(input(kind, {}, { user: null }))).toEqual(gone);
      }
    });

    it('a suspended account comes before every other rule', () => {
      const suspended = cancelled('ACCOUNT_SUSPENDED', 'the account is suspended');
      const user = {
        disabledReminders: [EmailKind.PREP_REMINDER],
        suspendedAt: new Date(0),
        emailVerified: true,
        email: USER_EMAIL,
        pendingEmail: null,
      };
      const everything = { user, meeting: null, suppressedReason: 'BOUNCED', contact: null };
      for (const kind of Object.values(EmailKind).filter((k) => k !== EmailKind.ACCOUNT_SUSPENDED)) {
        expect(decideSend(input(kind, { dueContacts: 0 }, everything))).toEqual(suspended);
      }
    });

    it('sends the suspension notice only while the account is suspended, and never to a suppressed address', () => {
      const user = {
        disabledReminders: [],
        suspendedAt: new Date(0),
        emailVerified: false,
        email: USER_EMAIL,
        pendingEmail: null,
      };
      expect(decideSend(input(EmailKind.ACCOUNT_SUSPENDED, {}, { user }))).toEqual(SEND);
      expect(decideSend(input(EmailKind.ACCOUNT_SUSPENDED, {}, { user: { ...user, suspendedAt: null } }))).toEqual(
        cancelled('PLAN_CHANGED', 'the suspension was lifted'),
      );
      expect(decideSend(input(EmailKind.ACCOUNT_SUSPENDED, {}, { user, suppressedReason: 'UNSUBSCRIBED' })).send).toBe(
        false,
      );
    });

    it('leaves mail to contacts and meeting notices to the other rules', () => {
      const everythingOff = {
        user: {
          disabledReminders: reminders,
          suspendedAt: null,
          emailVerified: true,
          email: USER_EMAIL,
          pendingEmail: null,
        },
      };
      for (const kind of [EmailKind.THANK_YOU, EmailKind.OUTREACH, EmailKind.MEETING_UPDATED]) {
        expect(decideSend(input(kind, {}, everythingOff))).toEqual(SEND);
      }
    });
  });

  describe('an unverified address', () => {
    const unverified = {
      user: { disabledReminders: [], suspendedAt: null, emailVerified: false, email: USER_EMAIL, pendingEmail: null },
    };

    it('gets nothing but account emails: reminders and (if ever claimed) mail to contacts are not sent', () => {
      const notVerified = cancelled('EMAIL_NOT_VERIFIED', 'the account’s address is not verified');
      for (const kind of Object.values(EmailKind).filter((k) => !ACCOUNT_EMAILS.has(k))) {
        expect([kind, decideSend(input(kind, {}, unverified))]).toEqual([kind, notVerified]);
      }
      // Account emails: the verification email, and a password reset the address's owner asked for.
      expect(decideSend(input(EmailKind.EMAIL_VERIFICATION, {}, unverified))).toEqual(SEND);
      expect(decideSend(input(EmailKind.PASSWORD_RESET, {}, unverified))).toEqual(SEND);
    });

    it('sends no verification email once the address is verified, and none to a suppressed address', () => {
      const verified = { user: { ...unverified.user, emailVerified: true, email: USER_EMAIL, pendingEmail: null } };
      expect(decideSend(input(EmailKind.EMAIL_VERIFICATION, {}, verified))).toEqual(
        cancelled('ALREADY_VERIFIED', 'the address is already verified'),
      );
      expect(
        decideSend(input(EmailKind.EMAIL_VERIFICATION, {}, { ...unverified, suppressedReason: 'UNSUBSCRIBED' })),
      ).toEqual(suppressed('UNSUBSCRIBED'));
    });
  });

  describe('a verification email for changeEmail', () => {
    const verified = { disabledReminders: [], suspendedAt: null, emailVerified: true, email: USER_EMAIL };
    it('goes to the address the account waits for, even though the account is verified', () => {
      const facts = { user: { ...verified, pendingEmail: 'new@example.test' } };
      expect(decideSend(input(EmailKind.EMAIL_VERIFICATION, { toEmail: 'new@example.test' }, facts))).toEqual(SEND);
    });
    it('is not sent to an address the account no longer asks for', () => {
      const facts = { user: { ...verified, pendingEmail: 'newer@example.test' } };
      expect(decideSend(input(EmailKind.EMAIL_VERIFICATION, { toEmail: 'new@example.test' }, facts))).toEqual(
        cancelled('PLAN_CHANGED', 'the address is no longer asked for'),
      );
    });
  });

  describe('a no-answer nudge', () => {
    const nudge = (contact: EmailFacts['contact'], contactId: string | null = CONTACT) =>
      decideSend(input(EmailKind.OUTREACH_NUDGE, { contactId }, { contact }));

    it('goes while the contact is still REQUESTED', () => {
      expect(nudge({ id: CONTACT, emailOptOut: false, stage: ContactStage.REQUESTED })).toEqual(SEND);
    });

    it('is cancelled once the contact moved on, naming the stage', () => {
      for (const stage of Object.values(ContactStage).filter((s) => s !== ContactStage.REQUESTED)) {
        expect(nudge({ id: CONTACT, emailOptOut: false, stage })).toEqual(
          cancelled('ANSWERED', `the contact moved on to ${stage}`),
        );
      }
    });

    it('is cancelled when the contact was deleted', () => {
      const gone = cancelled('CONTACT_DELETED', 'the contact was deleted');
      expect(nudge(null)).toEqual(gone);
      expect(nudge(null, null)).toEqual(gone);
      // What was read is some other contact: the row's own is gone.
      expect(nudge({ id: OTHER_CONTACT, emailOptOut: false, stage: ContactStage.REQUESTED })).toEqual(gone);
    });

    it("is not stopped by the contact's opt-out: it goes to the user", () => {
      expect(nudge({ id: CONTACT, emailOptOut: true, stage: ContactStage.REQUESTED })).toEqual(SEND);
    });
  });

  describe('a keep-in-touch digest', () => {
    const digest = (dueContacts: number | null) => decideSend(input(EmailKind.KEEP_IN_TOUCH_DIGEST, { dueContacts }));

    it('goes while someone is due', () => {
      expect(digest(1)).toEqual(SEND);
      expect(digest(50)).toEqual(SEND);
    });

    it('is cancelled when nobody is due any more', () => {
      const nothing = cancelled('NOTHING_DUE', 'no contact is due any more');
      expect(digest(0)).toEqual(nothing);
      expect(digest(null)).toEqual(nothing);
    });

    it('still goes with nobody due when it carries promises or deadlines due today', () => {
      const carrying = (dueItems: number) =>
        decideSend(input(EmailKind.KEEP_IN_TOUCH_DIGEST, { dueContacts: 0, dueItems }));
      expect(carrying(1)).toEqual(SEND);
      expect(carrying(0)).toEqual(cancelled('NOTHING_DUE', 'no contact is due any more'));
    });
  });

  describe('a promise or deadline reminder', () => {
    it.each([EmailKind.COMMITMENT_DUE, EmailKind.JOB_LEAD_DEADLINE])(
      '%s goes while something is due today, and is cancelled once nothing is',
      (kind) => {
        expect(decideSend(input(kind, { dueItems: 1 }))).toEqual(SEND);
        const nothing = cancelled('NOTHING_DUE', 'nothing is due today any more');
        expect(decideSend(input(kind, { dueItems: 0 }))).toEqual(nothing);
        expect(decideSend(input(kind, { dueItems: null }))).toEqual(nothing);
      },
    );

    it.each([EmailKind.COMMITMENT_DUE, EmailKind.JOB_LEAD_DEADLINE])('%s can be switched off', (kind) => {
      const off = {
        user: {
          disabledReminders: [kind],
          suspendedAt: null,
          emailVerified: true,
          email: USER_EMAIL,
          pendingEmail: null,
        },
      };
      expect(decideSend(input(kind, { dueItems: 1 }, off))).toEqual(cancelled('REMINDER_OFF', 'reminder switched off'));
    });
  });

  describe('precedence: the first rule that stops an email names the reason', () => {
    it('a gone or cancelled meeting comes before suppression', () => {
      const facts = { meeting: { status: MeetingStatus.CANCELLED }, suppressedReason: 'HARD_BOUNCE' };
      expect(decideSend(input(EmailKind.THANK_YOU, {}, facts))).toEqual(
        cancelled('MEETING_CANCELLED', 'meeting cancelled'),
      );
    });

    it('a gone or cancelled meeting comes before a switched-off reminder', () => {
      const facts = {
        meeting: null,
        user: {
          disabledReminders: [EmailKind.PREP_REMINDER],
          suspendedAt: null,
          emailVerified: true,
          email: USER_EMAIL,
          pendingEmail: null,
        },
      };
      expect(decideSend(input(EmailKind.PREP_REMINDER, {}, facts))).toEqual(
        cancelled('MEETING_CANCELLED', 'meeting cancelled'),
      );
    });

    it('a switched-off reminder comes before an answered nudge or a deleted contact', () => {
      const off = cancelled('REMINDER_OFF', 'reminder switched off');
      const suspended = {
        user: {
          disabledReminders: [EmailKind.OUTREACH_NUDGE],
          suspendedAt: null,
          emailVerified: true,
          email: USER_EMAIL,
          pendingEmail: null,
        },
      };
      const answered = { contact: { id: CONTACT, emailOptOut: false, stage: ContactStage.SCHEDULED } };
      expect(decideSend(input(EmailKind.OUTREACH_NUDGE, {}, { ...suspended, ...answered }))).toEqual(off);
      expect(decideSend(input(EmailKind.OUTREACH_NUDGE, {}, { ...suspended, contact: null }))).toEqual(off);
    });

    it('a gone account or a switched-off digest comes before an empty digest', () => {
      const off = cancelled('REMINDER_OFF', 'reminder switched off');
      expect(decideSend(input(EmailKind.KEEP_IN_TOUCH_DIGEST, { dueContacts: null }, { user: null }))).toEqual(
        cancelled('ACCOUNT_SUSPENDED', 'the account no longer exists'),
      );
      const disabled = {
        user: {
          disabledReminders: [EmailKind.KEEP_IN_TOUCH_DIGEST],
          suspendedAt: null,
          emailVerified: true,
          email: USER_EMAIL,
          pendingEmail: null,
        },
      };
      expect(decideSend(input(EmailKind.KEEP_IN_TOUCH_DIGEST, { dueContacts: 0 }, disabled))).toEqual(off);
    });
  });
});
