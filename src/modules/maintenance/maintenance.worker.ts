import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Logger } from '../../core/logger';
import type { AuthService } from '../auth/auth.service';
import type { SyncService } from '../sync/sync.service';

export const MAINTENANCE_JOB = {
  purgeRefreshTokens: 'refresh_token__purge',
  purgeTombstones: 'sync_tombstone__purge',
} as const;

export type MaintenanceJobName = (typeof MAINTENANCE_JOB)[keyof typeof MAINTENANCE_JOB];

// Nightly, at different minutes so two purges never share the database's quiet hour.
const PATTERNS: Record<MaintenanceJobName, string> = {
  [MAINTENANCE_JOB.purgeRefreshTokens]: '17 3 * * *',
  [MAINTENANCE_JOB.purgeTombstones]: '41 3 * * *',
};

/** Registers one periodic housekeeping job (idempotent: schedulers are upserted by id). */
export async function scheduleMaintenance(queue: Queue, name: MaintenanceJobName): Promise<void> {
  await queue.upsertJobScheduler(name, { pattern: PATTERNS[name], tz: 'UTC' }, { name, data: {} });
}

export function maintenanceProcessor(
  services: { auth: Pick<AuthService, 'purgeExpired'>; sync: Pick<SyncService, 'purgeTombstones'> },
  logger: Logger,
) {
  return async (job: Job): Promise<{ purged: number }> => {
    switch (job.name) {
      case MAINTENANCE_JOB.purgeRefreshTokens: {
        const purged = await services.auth.purgeExpired();
        logger.info({ purged }, 'purged expired refresh tokens');
        return { purged };
      }
      case MAINTENANCE_JOB.purgeTombstones: {
        const purged = await services.sync.purgeTombstones();
        logger.info({ purged }, 'purged sync tombstones past their retention');
        return { purged };
      }
      default:
        throw new UnrecoverableError(`unknown maintenance job ${job.name}`);
    }
  };
}
