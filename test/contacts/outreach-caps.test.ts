import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf } from '../helpers/graphql';
import {
  CreateContactDocument,
  RequestMeetingDocument,
  UpdateContactDocument,
  type CreateContactInput,
} from '../generated/graphql';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ OUTREACH_MAX_PER_USER_PER_DAY: '3', OUTREACH_MAX_PER_RECIPIENT_PER_WEEK: '2' });
});
afterAll(async () => {
  await app.close();
});

let seq = 0;
async function contactOf(user: SignedInUser, input: Partial<CreateContactInput> = {}) {
  seq += 1;
  const { createContact } = await user.ok(CreateContactDocument, {
    input: { firstName: 'Grace', lastName: `Hopper ${seq}`, email: `grace.${seq}@example.test`, ...input },
  });
  return createContact;
}

async function outreachRows(userId: string): Promise<number> {
  const [{ n }]: { n: number }[] = await app.infra.ds.query(
    `SELECT count(*)::int AS n FROM scheduled_emails WHERE user_id = $1 AND kind = 'OUTREACH'`,
    [userId],
  );
  return n;
}

async function userIdOf(user: SignedInUser): Promise<string> {
  const [{ id }]: { id: string }[] = await app.infra.ds.query(`SELECT id FROM users WHERE email = $1`, [
    user.input.email,
  ]);
  return id;
}

describe('outreach caps', () => {
  it('refuses the outreach over the daily cap as RATE_LIMITED with OUTREACH_LIMIT and plans nothing for it', async () => {
    const user = await signedInUser(app.url);
    const userId = await userIdOf(user);
    for (let i = 0; i < 3; i++) {
      const contact = await contactOf(user);
      await user.ok(RequestMeetingDocument, { contactId: contact.id, message: 'Could we talk?' });
    }
    const fourth = await contactOf(user);
    const error = errorOf(await user.run(RequestMeetingDocument, { contactId: fourth.id, message: 'Could we talk?' }));
    expect(error.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'OUTREACH_LIMIT',
      limit: 'PER_USER_PER_DAY',
    });
    expect(error.extensions?.retryAfterSeconds).toEqual(expect.any(Number));
    expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.extensions?.retryAfterSeconds).toBeLessThanOrEqual(86_400);
    expect(await outreachRows(userId)).toBe(3);
    // Nothing else was planned for the refused request (no nudge), and the contact did not move.
    const [{ n }]: { n: number }[] = await app.infra.ds.query(
      `SELECT count(*)::int AS n FROM scheduled_emails WHERE contact_id = $1`,
      [fourth.id],
    );
    expect(n).toBe(0);
    const [{ stage }]: { stage: string }[] = await app.infra.ds.query(`SELECT stage FROM contacts WHERE id = $1`, [
      fourth.id,
    ]);
    expect(stage).not.toBe('REQUESTED');
  });

  it('caps outreach to one address per week, whichever contact holds it and however it is cased', async () => {
    const user = await signedInUser(app.url);
    const userId = await userIdOf(user);
    const one = await contactOf(user, { email: 'Same.Person@Example.test' });
    await user.ok(RequestMeetingDocument, { contactId: one.id, message: 'Hello' });
    // The address moves to a new contact (one email per contact), typed differently.
    await user.ok(UpdateContactDocument, { id: one.id, input: { email: 'elsewhere@example.test' } });
    const two = await contactOf(user, { email: 'same.person@example.TEST' });
    await user.ok(RequestMeetingDocument, { contactId: two.id, message: 'Hello again' });
    const error = errorOf(await user.run(RequestMeetingDocument, { contactId: two.id, message: 'Third time' }));
    expect(error.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'OUTREACH_LIMIT',
      limit: 'PER_RECIPIENT_PER_WEEK',
    });
    expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.extensions?.retryAfterSeconds).toBeLessThanOrEqual(7 * 86_400);
    expect(await outreachRows(userId)).toBe(2);
    // Another address of the same user is still fine.
    await user.ok(RequestMeetingDocument, { contactId: one.id, message: 'Hello' });
  });

  it('never plans more than the daily cap when many requests arrive at once', async () => {
    const user = await signedInUser(app.url);
    const userId = await userIdOf(user);
    const contacts = await Promise.all(Array.from({ length: 20 }, () => contactOf(user)));
    const results = await Promise.all(
      contacts.map((c) => user.run(RequestMeetingDocument, { contactId: c.id, message: 'All at once' })),
    );
    const refused = results.filter((r) => r.errors?.length);
    expect(refused.every((r) => r.errors?.[0].extensions?.code === 'RATE_LIMITED')).toBe(true);
    expect(results.length - refused.length).toBe(3);
    expect(await outreachRows(userId)).toBe(3);
  });
});
