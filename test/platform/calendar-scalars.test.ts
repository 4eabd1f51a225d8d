import { startTestApp, type TestApp } from '../helpers/app';
import { signedInUser, type SignedInUser } from '../helpers/factories';
import { errorOf, postRaw } from '../helpers/graphql';
import { CreateContactDocument, SetDatesDocument, SetTimesDocument } from '../generated/graphql';

let app: TestApp;
let ada: SignedInUser;
let contactId: string;

beforeAll(async () => {
  app = await startTestApp();
  ada = await signedInUser(app.url);
  contactId = (await ada.ok(CreateContactDocument, { input: { firstName: 'Grace' } })).createContact.id;
});
afterAll(() => app.close());

describe('LocalDate', () => {
  it('round-trips days that exist on every date field', async () => {
    const dates = { connectedOn: '2024-02-29', dueOn: '2030-12-31', deadline: '0001-01-01' };
    const data = await ada.ok(SetDatesDocument, { contactId, ...dates });
    expect(data.updateContact.connectedOn).toBe(dates.connectedOn);
    expect(data.createCommitment.dueOn).toBe(dates.dueOn);
    expect(data.createJobLead.deadline).toBe(dates.deadline);
  });

  it('refuses days that do not exist, other formats and times as BAD_USER_INPUT naming the field', async () => {
    const bad = [
      '2026-02-30',
      '2026-2-3',
      '03/02/2026',
      '20260203',
      '2026-02-03T10:00:00Z',
      '2026-02-03 ',
      '0000-01-01',
    ];
    for (const value of bad) {
      for (const field of ['connectedOn', 'dueOn', 'deadline'] as const) {
        const res = await ada.run(SetDatesDocument, { contactId, [field]: value });
        expect({ value, field, status: res.status, error: errorOf(res).extensions }).toEqual({
          value,
          field,
          status: 400,
          error: {
            code: 'BAD_USER_INPUT',
            reason: 'INVALID_VARIABLE',
            field,
            fields: [{ field, message: 'must be a day that exists, as YYYY-MM-DD' }],
          },
        });
      }
    }
    // Inside an input object, the path names the field in the input.
    const nested = await postRaw(
      app.url,
      {
        query: 'mutation($input: UpdateContactInput!) { updateContact(id: "' + contactId + '", input: $input) { id } }',
        variables: { input: { connectedOn: '2026-04-31' } },
      },
      { token: ada.token },
    );
    expect(errorOf(nested).extensions).toMatchObject({ fields: [{ field: 'input.connectedOn' }] });
    expect(errorOf(nested).message).toContain('input.connectedOn');
  });

  it('refuses a bad literal in the document as a validation failure, as DateTimeISO does', async () => {
    const literal = (type: string, value: string) =>
      postRaw(
        app.url,
        {
          query:
            type === 'LocalDate'
              ? `mutation { createCommitment(input: { description: "x", dueOn: "${value}" }) { id } }`
              : `query { funnel(from: "${value}", to: "2030-01-01T00:00:00Z") { from } }`,
        },
        { token: ada.token },
      );
    const date = await literal('LocalDate', '2026-02-30');
    const instant = await literal('DateTimeISO', '2026-02-30T00:00:00Z');
    expect(date.status).toBe(instant.status);
    expect(errorOf(date).extensions?.code).toBe(errorOf(instant).extensions?.code);
    expect(errorOf(date).message).toContain('must be a day that exists, as YYYY-MM-DD');
  });

  it('types the days of planning answers', async () => {
    const res = await postRaw<{ weeklyProgress: { thisWeek: { weekStart: string } } }>(
      app.url,
      { query: '{ weeklyProgress(weeks: 1) { thisWeek { weekStart } } }' },
      { token: ada.token },
    );
    expect(res.data?.weeklyProgress.thisWeek.weekStart).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const slots = await postRaw(
      app.url,
      {
        query:
          '{ suggestMeetingSlots(input: { from: "2030-02-29", to: "2030-03-02", durationMinutes: 30, bufferMinutes: 0, perDay: 1 }) { date } }',
      },
      { token: ada.token },
    );
    expect(errorOf(slots).extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('LocalTime and LocalEndTime', () => {
  it('take HH:mm from 00:00 to 23:59, and 24:00 for the end of a range', async () => {
    const { updateProfile } = await ada.ok(SetTimesDocument, {
      input: {
        sendingWindowStart: '00:00',
        sendingWindowEnd: '24:00',
        workingHoursStart: '07:30',
        workingHoursEnd: '23:59',
      },
    });
    expect(updateProfile).toEqual({
      sendingWindowStart: '00:00',
      sendingWindowEnd: '24:00',
      workingHoursStart: '07:30',
      workingHoursEnd: '23:59',
    });
  });

  it('refuses seconds, other formats and 24:00 as a start, naming the field', async () => {
    const starts = ['24:00', '8:00', '08:00:00', '08:00:00.000', '23:60', '08h00', '0800', ' 08:00'];
    for (const value of starts) {
      for (const field of ['sendingWindowStart', 'workingHoursStart'] as const) {
        const res = await ada.run(SetTimesDocument, { input: { [field]: value } });
        expect({ value, field, error: errorOf(res).extensions }).toEqual({
          value,
          field,
          error: {
            code: 'BAD_USER_INPUT',
            reason: 'INVALID_VARIABLE',
            field: `input.${field}`,
            fields: [{ field: `input.${field}`, message: 'must be a time of day as HH:mm, 00:00 to 23:59' }],
          },
        });
      }
    }
    for (const value of ['24:01', '25:00', '24:00:00', '12:00:30']) {
      for (const field of ['sendingWindowEnd', 'workingHoursEnd'] as const) {
        const res = await ada.run(SetTimesDocument, { input: { [field]: value } });
        expect({ value, field, error: errorOf(res).extensions }).toEqual({
          value,
          field,
          error: {
            code: 'BAD_USER_INPUT',
            reason: 'INVALID_VARIABLE',
            field: `input.${field}`,
            fields: [{ field: `input.${field}`, message: 'must be a time of day as HH:mm, 00:00 to 24:00' }],
          },
        });
      }
    }
  });
});
