import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../../app/context';
import { ImportContactsInput, ImportResult } from './contact-import.types';

@Resolver()
export class ContactImportResolver {
  @Authorized()
  @Mutation(() => ImportResult, {
    description:
      'Imports contacts from a LinkedIn Connections.csv, a CSV or a vCard file without duplicates; one transaction. Files over the request body limit go to POST /graphql/import (docs/import.md).',
  })
  importContacts(@Arg('input') input: ImportContactsInput, @Ctx() { user, services }: Context): Promise<ImportResult> {
    return services.contactImport.import(user!, input);
  }
}
