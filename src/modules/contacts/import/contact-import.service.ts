import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/access-tokens';
import type { OutboxChange } from '../../emails/email-queue';
import type { OutboxService } from '../../emails/outbox.service';
import {
  COLUMN_FIELDS,
  ImportAction,
  ImportFormat,
  type ImportContactsInput,
  type ImportResult,
} from './contact-import.types';
import { parseCsv, parseLinkedinCsv, type ColumnMap } from './csv.parser';
import { planImport, type ImportContact, type ImportOrganisation, type ImportPlan } from './import-plan';
import type { ParsedFile } from './import-row';
import { parseVcard } from './vcard.parser';
import { ValidationError } from '../../../core/errors';
import type { LivePublisher } from '../../../core/live/live-events';
import { IMPORT_FINISHED, type ImportFinishedPayload } from './import-finished.resolver';
import { lockContactsOf } from './contacts-lock';

/** Rows per INSERT or UPDATE statement: few round trips, bounded statement size. */
export const IMPORT_BATCH = 500;

function parseFile(input: ImportContactsInput): ParsedFile {
  if (input.columnMap?.length && input.format !== ImportFormat.CSV) {
    throw ValidationError.field('input.columnMap', 'is for the CSV format only');
  }
  switch (input.format) {
    case ImportFormat.LINKEDIN_CSV:
      return parseLinkedinCsv(input.content);
    case ImportFormat.VCARD:
      return parseVcard(input.content);
    case ImportFormat.CSV: {
      const map: ColumnMap | undefined = input.columnMap?.length
        ? new Map(input.columnMap.map((c) => [c.column, COLUMN_FIELDS[c.field]]))
        : undefined;
      return parseCsv(input.content, map);
    }
  }
}

function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IMPORT_BATCH) out.push(items.slice(i, i + IMPORT_BATCH));
  return out;
}

/** Brings contacts in from LinkedIn, CSV and vCard files without creating duplicates. */
export class ContactImportService {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
    private readonly limits: { maxContactsPerUser: number },
    /** Where the user's devices hear that an import finished (live updates). */
    private readonly live?: LivePublisher,
  ) {}

  async import(user: AuthUser, input: ImportContactsInput): Promise<ImportResult> {
    const file = parseFile(input);
    const changes: OutboxChange[] = [];
    // One transaction: an import is applied whole or not at all; a dry run reads the same data
    // under the same lock and writes nothing.
    const plan = await this.ds.transaction(async (m) => {
      await lockContactsOf(m, user.id);
      const [contacts, organisations] = await Promise.all([
        this.contactsOf(m, user.id),
        this.organisationsOf(m, user.id),
      ]);
      const planned = planImport(file, contacts, organisations);
      const max = this.limits.maxContactsPerUser;
      if (contacts.length + planned.newContacts.length > max) {
        throw ValidationError.field(
          'input.content',
          `would take you past ${max} contacts (you have ${contacts.length}; it adds ${planned.newContacts.length})`,
        );
      }
      if (!input.dryRun) changes.push(...(await this.write(m, user.id, planned)));
      return planned;
    });
    await this.outbox.commit(changes);
    if (!input.dryRun) {
      const finished: ImportFinishedPayload = {
        format: input.format,
        created: plan.newContacts.length,
        updated: plan.updatedRows,
        duplicates: plan.duplicates,
        skipped: plan.skipped,
        organisationsCreated: plan.newOrganisations.length,
        errorCount: plan.errorCount,
        at: new Date().toISOString(),
      };
      this.live?.publish(IMPORT_FINISHED, user.id, finished);
    }
    const created = new Set(plan.newContacts.map((c) => c.id));
    return {
      created: plan.newContacts.length,
      updated: plan.updatedRows,
      duplicates: plan.duplicates,
      skipped: plan.skipped,
      organisationsCreated: plan.newOrganisations.length,
      errors: plan.errors,
      errorCount: plan.errorCount,
      contacts: plan.outcomes.map((o) =>
        input.dryRun && o.action === ImportAction.CREATED && created.has(o.contactId!) ? { ...o, contactId: null } : o,
      ),
      dryRun: input.dryRun,
    };
  }

  // Notes are never filled into an existing contact, so they are not read (they can be long).
  private contactsOf(m: EntityManager, userId: string): Promise<ImportContact[]> {
    return m.query(
      `SELECT id, first_name AS "firstName", last_name AS "lastName", email, phone, title,
              linkedin_url AS "linkedinUrl", connected_on::text AS "connectedOn",
              organisation_id AS "organisationId", NULL AS notes
       FROM contacts WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
  }

  private organisationsOf(m: EntityManager, userId: string): Promise<ImportOrganisation[]> {
    return m.query(`SELECT id, name, domain FROM organisations WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  }

  private async write(m: EntityManager, userId: string, plan: ImportPlan): Promise<OutboxChange[]> {
    for (const batch of batches(plan.newOrganisations)) {
      await m.query(
        `INSERT INTO organisations (id, user_id, name, domain)
         SELECT o.id, $1, o.name, o.domain FROM unnest($2::uuid[], $3::text[], $4::text[]) AS o(id, name, domain)`,
        [userId, batch.map((o) => o.id), batch.map((o) => o.name), batch.map((o) => o.domain)],
      );
    }
    const columns = (batch: ImportContact[]) => [
      batch.map((c) => c.id),
      batch.map((c) => c.lastName),
      batch.map((c) => c.email),
      batch.map((c) => c.phone),
      batch.map((c) => c.title),
      batch.map((c) => c.linkedinUrl),
      batch.map((c) => c.organisationId),
      batch.map((c) => c.connectedOn),
    ];
    for (const batch of batches(plan.newContacts)) {
      await m.query(
        `INSERT INTO contacts (id, user_id, first_name, last_name, email, phone, title, linkedin_url, organisation_id,
                               connected_on, notes)
         SELECT c.id, $1, c.first_name, c.last_name, c.email, c.phone, c.title, c.linkedin_url, c.organisation_id,
                c.connected_on, c.notes
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::date[],
                     $10::text[], $11::text[])
           AS c(id, last_name, email, phone, title, linkedin_url, organisation_id, connected_on, first_name, notes)`,
        [userId, ...columns(batch), batch.map((c) => c.firstName), batch.map((c) => c.notes)],
      );
    }
    // Only empty fields are filled (coalesce keeps whatever the contact already has).
    for (const batch of batches(plan.updatedContacts)) {
      await m.query(
        `UPDATE contacts AS t SET
           last_name = coalesce(t.last_name, c.last_name), email = coalesce(t.email, c.email),
           phone = coalesce(t.phone, c.phone), title = coalesce(t.title, c.title),
           linkedin_url = coalesce(t.linkedin_url, c.linkedin_url),
           organisation_id = coalesce(t.organisation_id, c.organisation_id),
           connected_on = coalesce(t.connected_on, c.connected_on), updated_at = now()
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::date[])
           AS c(id, last_name, email, phone, title, linkedin_url, organisation_id, connected_on)
         WHERE t.id = c.id AND t.user_id = $1`,
        [userId, ...columns(batch)],
      );
    }
    // A contact that gained an address may have emails planned for them: re-plan those.
    if (!plan.emailFilled.length) return [];
    const withEmails: { id: string }[] = await m.query(
      `SELECT DISTINCT contact_id AS id FROM meetings WHERE user_id = $1 AND contact_id = ANY($2::uuid[])`,
      [userId, plan.emailFilled],
    );
    const changes: OutboxChange[] = [];
    for (const { id } of withEmails) changes.push(...(await this.outbox.syncContact(m, userId, id)));
    return changes;
  }
}
