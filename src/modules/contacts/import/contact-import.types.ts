import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Label } from '../../../core/inputs';
import { IMPORT_LIMITS, type ImportField } from './import-row';

export enum ImportFormat {
  LINKEDIN_CSV = 'LINKEDIN_CSV',
  CSV = 'CSV',
  VCARD = 'VCARD',
}
registerEnumType(ImportFormat, {
  name: 'ImportFormat',
  description: "LINKEDIN_CSV: LinkedIn's Connections.csv; CSV: any CSV with a header row; VCARD: a .vcf file.",
});

export enum ImportColumnField {
  FIRST_NAME = 'FIRST_NAME',
  LAST_NAME = 'LAST_NAME',
  FULL_NAME = 'FULL_NAME',
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  TITLE = 'TITLE',
  LINKEDIN_URL = 'LINKEDIN_URL',
  /** The day you connected: YYYY-MM-DD or LinkedIn's "15 Mar 2023". */
  CONNECTED_ON = 'CONNECTED_ON',
  ORGANISATION = 'ORGANISATION',
  ORGANISATION_DOMAIN = 'ORGANISATION_DOMAIN',
  NOTES = 'NOTES',
}
registerEnumType(ImportColumnField, {
  name: 'ImportColumnField',
  description: 'The contact field a CSV column feeds.',
});

/** The row field each column field feeds. */
export const COLUMN_FIELDS: Record<ImportColumnField, ImportField> = {
  FIRST_NAME: 'firstName',
  LAST_NAME: 'lastName',
  FULL_NAME: 'fullName',
  EMAIL: 'email',
  PHONE: 'phone',
  TITLE: 'title',
  LINKEDIN_URL: 'linkedinUrl',
  CONNECTED_ON: 'connectedOn',
  ORGANISATION: 'organisationName',
  ORGANISATION_DOMAIN: 'organisationDomain',
  NOTES: 'notes',
};

@InputType({ description: 'One CSV column (by its header) and the field it feeds.' })
export class ImportColumnInput {
  @Field()
  @Label(200)
  column: string;

  @Field(() => ImportColumnField)
  field: ImportColumnField;
}

@InputType()
export class ImportContactsInput {
  @Field(() => ImportFormat)
  format: ImportFormat;

  @Field({ description: 'The file as text (UTF-8), at most 8,000,000 characters and 25,000 contacts.' })
  @MaxLength(IMPORT_LIMITS.contentChars)
  content: string;

  @Field({ defaultValue: false, description: 'Answer what the import would do, and change nothing.' })
  dryRun: boolean;

  @Field(() => [ImportColumnInput], {
    nullable: true,
    description: 'CSV only: which column feeds which field (replaces the recognised headers).',
  })
  @IsOptional()
  @ArrayMaxSize(IMPORT_LIMITS.columnMapEntries)
  @ValidateNested({ each: true })
  columnMap?: ImportColumnInput[] | null;
}

export enum ImportAction {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DUPLICATE = 'DUPLICATE',
}
registerEnumType(ImportAction, {
  name: 'ImportAction',
  description:
    'CREATED: a new contact; UPDATED: an existing contact got fields it lacked; DUPLICATE: nothing new (already a contact, or earlier in the file).',
});

@ObjectType({ description: 'A line that was not imported.' })
export class ImportError {
  @Field(() => Int, { description: 'The line in the file (1-based) where the record starts or ends.' })
  line: number;

  @Field()
  message: string;
}

@ObjectType({ description: 'What happened to one imported row.' })
export class ImportedContact {
  @Field(() => Int)
  line: number;

  @Field(() => ImportAction)
  action: ImportAction;

  @Field(() => ID, { nullable: true, description: 'The contact; null for a new contact in a dry run.' })
  contactId: string | null;

  @Field()
  fullName: string;

  @Field(() => String, { nullable: true })
  email: string | null;
}

@ObjectType()
export class ImportResult {
  @Field(() => Int, { description: 'New contacts.' })
  created: number;

  @Field(() => Int, { description: 'Existing contacts that got fields they lacked (nothing is overwritten).' })
  updated: number;

  @Field(() => Int, { description: 'Rows that matched a contact and brought nothing new.' })
  duplicates: number;

  @Field(() => Int, { description: 'Empty rows: no name and no email.' })
  skipped: number;

  @Field(() => Int, { description: 'New organisations (matched on domain or name otherwise).' })
  organisationsCreated: number;

  @Field(() => [ImportError], { description: 'Lines not imported, at most 1,000, in file order.' })
  errors: ImportError[];

  @Field(() => Int)
  errorCount: number;

  @Field(() => [ImportedContact], { description: 'The first 100 imported rows, in file order.' })
  contacts: ImportedContact[];

  @Field()
  dryRun: boolean;
}
