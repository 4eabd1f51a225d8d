import { Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { DataExport } from './data-export.types';

@Resolver()
export class DataExportResolver {
  @Authorized()
  @Mutation(() => DataExport, {
    description: 'Links to download everything you own (JSON, vCard, iCalendar), valid for 15 minutes.',
  })
  exportData(@Ctx() { user, services }: Context): DataExport {
    const links = services.dataExports.exportLinks(user!);
    return { jsonUrl: links.json, vcardUrl: links.vcard, icsUrl: links.ics, expiresAt: links.expiresAt };
  }

  @Authorized()
  @Query(() => String, {
    description: 'A secret URL serving your meetings as a live .ics feed; anyone holding it can read them.',
  })
  calendarFeedUrl(@Ctx() { user, services }: Context): Promise<string> {
    return services.dataExports.feedUrl(user!);
  }

  @Authorized()
  @Mutation(() => String, { description: 'Makes the current calendar feed URL stop working and returns a new one.' })
  resetCalendarFeed(@Ctx() { user, services }: Context): Promise<string> {
    return services.dataExports.resetFeed(user!);
  }
}
