import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../app/context';
import { Connection, PageArgs, type Page } from '../../core/graphql/pagination';
import { SyncTombstone } from './sync-tombstone.entity';

export const TombstoneConnection = Connection(SyncTombstone, 'Tombstone');

@Resolver()
export class SyncResolver {
  @Authorized()
  @Query(() => Date, {
    description:
      'Where your next sync starts: ask for it in a request of its own BEFORE reading changes, and pass it as updatedSince and deletedSince(since) next time (docs/clients.md § Offline sync). The server’s clock, with room for writes still in flight.',
  })
  syncCheckpoint(@Ctx() { services }: Context): Promise<Date> {
    return services.sync.checkpoint();
  }

  @Authorized()
  @Query(() => TombstoneConnection, {
    description:
      'What of yours was deleted at or after `since` (also by cascades and merges), oldest first. Kept TOMBSTONE_RETENTION_DAYS (default 90): an older `since` answers BAD_USER_INPUT, reason SYNC_TOO_OLD: read everything again.',
  })
  deletedSince(
    @Arg('since', () => Date) since: Date,
    @Args() page: PageArgs,
    @Ctx() { user, services }: Context,
  ): Promise<Page<SyncTombstone>> {
    return services.sync.deletedSince(user!, since, page);
  }
}
