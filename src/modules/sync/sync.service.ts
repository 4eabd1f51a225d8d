import type { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../../core/errors';
import { paginate, type Page, type PageArgs } from '../../core/graphql/pagination';
import type { AuthUser } from '../auth/access-tokens';
import { SyncTombstone } from './sync-tombstone.entity';

/**
 * The checkpoint: the start of the oldest transaction still running (or now), less a second.
 * Every write stamps `updated_at` / `deleted_at` with its transaction's start (now()), so a
 * change that commits after this moment carries a time at or after the checkpoint, however long
 * its transaction ran. The second covers a transaction that has its start time but has not yet
 * shown it in pg_stat_activity. The server's clock, never the client's.
 */
const CHECKPOINT_SQL = `
  SELECT least(now(), (SELECT min(a.xact_start) FROM pg_stat_activity a
                        WHERE a.datname = current_database() AND a.backend_type = 'client backend'))
         - interval '1 second' AS at`;

const DAY_MS = 86_400_000;

/** Offline sync: the checkpoint a client syncs from next time, and what was deleted since. */
export class SyncService {
  constructor(
    private readonly ds: DataSource,
    private readonly config: { tombstoneRetentionDays: number },
  ) {}

  async checkpoint(): Promise<Date> {
    const [row] = await this.ds.query<{ at: Date }[]>(CHECKPOINT_SQL);
    return row.at;
  }

  /** Tombstones of the user's rows deleted at or after `since`, oldest first. */
  async deletedSince(user: AuthUser, since: Date, page: PageArgs): Promise<Page<SyncTombstone>> {
    const keptSince = new Date(Date.now() - this.config.tombstoneRetentionDays * DAY_MS);
    if (since.getTime() < keptSince.getTime()) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        `Deletions are kept for ${this.config.tombstoneRetentionDays} days: since is older, so read everything again (a full resync)`,
        {
          reason: 'SYNC_TOO_OLD',
          field: 'since',
          fields: [{ field: 'since', message: `is before ${keptSince.toISOString()}, the oldest deletion kept` }],
          keptSince: keptSince.toISOString(),
        },
      );
    }
    const qb = this.ds
      .getRepository(SyncTombstone)
      .createQueryBuilder('t')
      .where('t.user_id = :userId', { userId: user.id })
      .andWhere('t.deleted_at >= :since', { since });
    return paginate(qb, page, {
      expression: 't.deleted_at',
      type: 'timestamptz',
      direction: 'ASC',
      id: 't.id',
      idOf: (t) => t.id,
    });
  }

  /** Deletes tombstones past the retention period (the maintenance job); returns how many. */
  async purgeTombstones(): Promise<number> {
    const [{ n }] = await this.ds.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM sync_tombstones WHERE deleted_at < now() - make_interval(days => $1) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [this.config.tombstoneRetentionDays],
    );
    return n;
  }
}
