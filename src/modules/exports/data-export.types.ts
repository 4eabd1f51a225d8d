import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Short-lived links to download everything the signed-in user owns.' })
export class DataExport {
  @Field({ description: 'The whole account as one JSON document (format: docs/export.md).' })
  jsonUrl: string;

  @Field({ description: 'Every contact as vCard 4.0.' })
  vcardUrl: string;

  @Field({ description: 'Every meeting as an iCalendar file.' })
  icsUrl: string;

  @Field(() => Date, { description: 'The links must be opened before this; a download already started finishes.' })
  expiresAt: Date;
}
