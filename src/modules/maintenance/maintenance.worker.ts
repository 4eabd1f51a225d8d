import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Logger } from '../../core/logger';
import type { AuthService } from '../auth/auth.service';

export const MAINTENANCE_JOB = {
  purgeRefreshTokens: 'refresh_token__purge',
} as const;

/** Registers the periodic housekeeping jobs (idempotent: schedulers are upserted by id). */
export async function scheduleMaintenance(queue: Queue): Promise<void> {
  await queue.upsertJobScheduler(
    MAINTENANCE_JOB.purgeRefreshTokens,
    { pattern: '17 3 * * *', tz: 'UTC' },
    { name: MAINTENANCE_JOB.purgeRefreshTokens, data: {} },
  );
}

export function maintenanceProcessor(services: { auth: Pick<AuthService, 'purgeExpired'> }, logger: Logger) {
  return async (job: Job): Promise<{ purged: number }> => {
    switch (job.name) {
      case MAINTENANCE_JOB.purgeRefreshTokens: {
        const purged = await services.auth.purgeExpired();
        logger.info({ purged }, 'purged expired refresh tokens');
        return { purged };
      }
      default:
        throw new UnrecoverableError(`unknown maintenance job ${job.name}`);
    }
  };
}
