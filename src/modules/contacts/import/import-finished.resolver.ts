import { Authorized, Field, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { ownChannel } from '../../../core/live/live-events';
import { ImportFormat } from './contact-import.types';

/** The live-updates topic of finished imports. */
export const IMPORT_FINISHED = 'importFinished';

/** What a subscriber of `importFinished` receives (serialised through Redis). */
export interface ImportFinishedPayload {
  format: ImportFormat;
  created: number;
  updated: number;
  duplicates: number;
  skipped: number;
  organisationsCreated: number;
  errorCount: number;
  at: string;
}

@ObjectType({ description: 'A contacts import of yours that finished (dry runs are not announced).' })
export class ImportFinished {
  @Field(() => ImportFormat)
  format: ImportFormat;

  @Field(() => Int)
  created: number;

  @Field(() => Int)
  updated: number;

  @Field(() => Int)
  duplicates: number;

  @Field(() => Int)
  skipped: number;

  @Field(() => Int)
  organisationsCreated: number;

  @Field(() => Int, { description: 'Lines not imported (importContacts answered with the first of them).' })
  errorCount: number;

  @Field(() => Date, { description: 'When the import committed.' })
  at: Date;
}

@Resolver()
export class ImportFinishedResolver {
  @Authorized()
  @Subscription(() => ImportFinished, {
    description: 'Your contacts imports finishing, with their counts. Over WebSocket (graphql-ws).',
    topics: IMPORT_FINISHED,
    topicId: ownChannel,
  })
  importFinished(@Root() event: ImportFinishedPayload): ImportFinished {
    return { ...event, at: new Date(event.at) };
  }
}
