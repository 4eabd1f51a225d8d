import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEnumType } from 'graphql';
import { createSchema } from '../../src/app/schema';
import { EmailEventType } from '../../src/modules/emails/email-event-type';
import { startTestApp, type TestApp } from '../helpers/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** The values the database's check constraint lets into email_events.event. */
async function databaseEventTypes(): Promise<string[]> {
  const [row]: { def: string }[] = await app.infra.ds.query(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conname = 'email_events_event_check' AND conrelid = 'email_events'::regclass`,
  );
  expect(row).toBeDefined();
  return [...row.def.matchAll(/'([A-Z_]+)'::text/g)].map((m) => m[1]).sort();
}

/** The `event` values docs/export.schema.json allows in an export's email events. */
function exportedEventTypes(): string[] {
  const schema: unknown = JSON.parse(readFileSync(join(__dirname, '../../docs/export.schema.json'), 'utf8'));
  const found: string[][] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const event = (node as { properties?: { event?: { enum?: string[] } } }).properties?.event;
    if (event?.enum) found.push(event.enum);
    Object.values(node).forEach(walk);
  };
  walk(schema);
  expect(found).toHaveLength(1);
  return [...found[0]].sort();
}

it('the GraphQL EmailEventType, the TypeScript enum every writer uses, the database check and the export schema list the same steps', async () => {
  const schema = await createSchema();
  const graphqlType = schema.getType('EmailEventType');
  if (!isEnumType(graphqlType)) throw new Error('EmailEventType is not an enum');
  const graphqlValues = graphqlType
    .getValues()
    .map((v) => v.name)
    .sort();
  const tsValues = Object.values(EmailEventType).sort();

  expect(graphqlValues).toEqual(tsValues);
  expect(await databaseEventTypes()).toEqual(tsValues);
  expect(exportedEventTypes()).toEqual(tsValues);
  // The steps the issue found written but not listed before this enum.
  expect(tsValues).toEqual(expect.arrayContaining(['SEND_NOW', 'RETRIED', 'REPLANNED', 'HELD', 'UNHELD']));
});

it('the database refuses a step the enum does not list', async () => {
  await expect(
    app.infra.ds.query(
      `INSERT INTO email_events (scheduled_email_id, user_id, event) VALUES (gen_random_uuid(), gen_random_uuid(), 'REOPENED')`,
    ),
  ).rejects.toThrow(/email_events_event_check/);
});
