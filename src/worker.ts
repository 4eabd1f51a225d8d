import 'reflect-metadata';
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { loadConfigOrExit } from './core/config';
import { openInfrastructure } from './core/infrastructure';
import { createQueue, EMAIL_WORKER_OPTIONS, queueOptions, QUEUE } from './core/queue/queues';
import { createRedis } from './core/redis';
import { createServices } from './core/services';
import { DigestPlanner } from './modules/emails/digest-planner';
import { createEmailRuntime } from './modules/emails/email-runtime';
import { Reconciler } from './modules/emails/reconciler';
import { maintenanceProcessor, scheduleMaintenance } from './modules/maintenance/maintenance.worker';

async function main() {
  const config = loadConfigOrExit();
  const infra = await openInfrastructure(config, 'worker');
  const { logger } = infra;
  const services = createServices(infra);
  const blocking = createRedis(config, 'worker-blocking', true);

  const maintenanceQueue = createQueue(QUEUE.maintenance, config, infra.redis);
  await scheduleMaintenance(maintenanceQueue);
  await Reconciler.schedule(services.emailQueue, config);
  await DigestPlanner.schedule(services.emailQueue, config);

  const emails = createEmailRuntime(infra, services, `${hostname()}:${process.pid}`);

  const workers = [
    new Worker(QUEUE.emails, emails.process, {
      ...queueOptions(config, blocking),
      ...EMAIL_WORKER_OPTIONS,
      concurrency: config.worker.concurrency,
    }),
    new Worker(QUEUE.maintenance, maintenanceProcessor(services, logger.child({ queue: QUEUE.maintenance })), {
      ...queueOptions(config, blocking),
      concurrency: 1,
    }),
  ];
  for (const w of workers) {
    w.on('failed', (job, err) => logger.warn({ queue: w.name, jobId: job?.id, job: job?.name, err }, 'job failed'));
    w.on('error', (err) => logger.error({ queue: w.name, err }, 'worker error'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down; waiting for active jobs');
    // Let active jobs finish; past the timeout, force-close so their locks lapse and another
    // worker picks them up as stalled (the jobs are idempotent).
    const graceful = Promise.all(workers.map((w) => w.close())).then(() => true);
    const timeout = new Promise<false>((r) => setTimeout(() => r(false), config.worker.shutdownTimeoutMs).unref());
    if (!(await Promise.race([graceful, timeout]))) {
      logger.warn('active jobs did not finish in time; releasing them');
      await Promise.all(workers.map((w) => w.close(true)));
    }
    await maintenanceQueue.close();
    await services.emailQueue.close();
    emails.close();
    await blocking.quit().catch(() => blocking.disconnect());
    await infra.close();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Logged only once a signal would be handled gracefully.
  logger.info({ queues: workers.map((w) => w.name), concurrency: config.worker.concurrency }, 'worker ready');
}

main().catch((err) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
