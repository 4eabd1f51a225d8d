import path from 'node:path';
import * as mobile from '../../examples/mobile/src/client';
import * as web from '../../examples/web/src/client';
import { CreateContactDocument, ScheduleMeetingDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';

// The example clients under examples/, with their generated documents, against a real server
// that loads both their manifests and accepts nothing else from them.
const ROOT = path.resolve(__dirname, '..', '..');
const MANIFESTS = ['web', 'mobile']
  .map((app) => path.join(ROOT, 'examples', app, 'src', 'gql', 'persisted-documents.json'))
  .join(',');

let open: TestApp;
let strict: TestApp;
let user: SignedInUser;
let upcoming: string[];

const HOUR = 3600_000;
const at = (hours: number) => new Date(Math.floor((Date.now() + hours * HOUR) / 60_000) * 60_000).toISOString();

beforeAll(async () => {
  open = await startTestApp();
  strict = await startTestApp({ TRUSTED_DOCUMENTS: MANIFESTS, TRUSTED_DOCUMENTS_ONLY: 'true' }, { keepData: true });
  user = await signedInUser(open.url);
  const { createContact } = await user.ok(CreateContactDocument, { input: { firstName: 'Grace', lastName: 'Hopper' } });
  const meeting = async (from: number) =>
    (
      await user.ok(ScheduleMeetingDocument, {
        input: { contactId: createContact.id, startsAt: at(from), endsAt: at(from + 1) },
      })
    ).scheduleMeeting.id;
  await meeting(-48); // over: not among the next ones
  upcoming = [await meeting(48), await meeting(24)].reverse();
});
afterAll(async () => {
  await strict.close();
  await open.close();
});

it('web: signs in and lists the next meetings, soonest first, by hash on a strict server', async () => {
  const endpoint = `${strict.url}/graphql`;
  const session = await web.signIn(endpoint, user.input.email, user.input.password);
  expect(session.user.id).toBe(user.user.id);
  const meetings = await web.nextMeetings(endpoint, session.accessToken);
  expect(meetings.map((m) => m.id)).toEqual(upcoming);
  expect(meetings[0].contact?.fullName).toBe('Grace Hopper');
});

it('web: falls back to the document text on a server without its manifest', async () => {
  const endpoint = `${open.url}/graphql`;
  const session = await web.signIn(endpoint, user.input.email, user.input.password);
  expect((await web.nextMeetings(endpoint, session.accessToken)).map((m) => m.id)).toEqual(upcoming);
});

it('mobile: signs in and lists the next meetings with hashes alone', async () => {
  const endpoint = `${strict.url}/graphql`;
  const session = await mobile.signIn(endpoint, user.input.email, user.input.password);
  const meetings = await mobile.nextMeetings(endpoint, session.accessToken);
  expect(meetings.map((m) => m.id)).toEqual(upcoming);
  expect(meetings[0].contactName).toBe('Grace Hopper');
});

it('mobile: a server without its manifest answers PERSISTED_QUERY_NOT_FOUND', async () => {
  const failure = mobile.signIn(`${open.url}/graphql`, user.input.email, user.input.password);
  await expect(failure).rejects.toThrow(mobile.MobileRequestError);
  await expect(failure).rejects.toThrow(/PERSISTED_QUERY_NOT_FOUND/);
});
