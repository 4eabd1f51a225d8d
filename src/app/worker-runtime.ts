import { Worker, type Job, type Queue } from 'bullmq';
import type { Infrastructure } from '../core/infrastructure';
import { createGenericPlanPool } from '../core/db/generic-plan-pool';
import { Mailer } from '../core/mail/mailer';
import { createQueue, EMAIL_WORKER_OPTIONS, queueOptions, QUEUE, type QueueName } from '../core/queue/queues';
import { createRedis } from '../core/redis';
import { readinessCheck } from '../core/http/health';
import { startMetricsListener } from '../core/metrics/metrics-http';
import { registerPipelineGauges } from './pipeline-metrics';
import { DigestPlanner } from '../modules/emails/digest-planner';
import { WeeklyDigestPlanner } from '../modules/emails/weekly-digest-planner';
import type { NoticeJobData } from '../modules/emails/account-notices';
import { EMAIL_JOB, type SendJobData } from '../modules/emails/email-queue';
import { EmailSender } from '../modules/emails/email.worker';
import { Reconciler } from '../modules/emails/reconciler';
import { MAINTENANCE_JOB, maintenanceProcessor, scheduleMaintenance } from '../modules/maintenance/maintenance.worker';
import { createServices, type Services } from './services';

/** The worker side of the email pipeline: sender, reconciler, digest planners and the job processor for the `emails` queue. */
export function createEmailRuntime(infra: Infrastructure, services: Services, workerId: string) {
  const { config, ds, logger } = infra;
  const mailer = Mailer.create(config.mail);
  // The claim, "SMTP started" and "sent" statements: at most one of each in flight (Batcher).
  const genericPlans = createGenericPlanPool(config, { applicationName: 'rapport-worker-claims', max: 3 });
  const sender = new EmailSender(
    ds,
    mailer,
    services.composer,
    services.emailTimers,
    services.suppressions,
    config,
    logger.child({ module: 'email-sender' }),
    workerId,
    genericPlans,
    infra.metrics,
  );
  const reconciler = new Reconciler(ds, services.emailTimers, logger.child({ module: 'reconciler' }));
  const { metrics } = infra;
  const digests = new DigestPlanner(ds, services.emailTimers, logger.child({ module: 'digests' }), {
    messageIdDomain: config.email.messageIdDomain,
  });
  const weeklyDigests = new WeeklyDigestPlanner(ds, services.emailTimers, logger.child({ module: 'digests' }), {
    messageIdDomain: config.email.messageIdDomain,
  });
  // The outbox's sweep, then the notices of deleted accounts whose job was lost.
  const sweep = async () => {
    let result;
    try {
      result = await reconciler.sweep();
    } catch (err) {
      metrics.reconcilerRuns.inc({ result: 'failed' });
      throw err;
    }
    metrics.reconcilerRuns.inc({ result: result.skipped ? 'skipped' : 'done' });
    metrics.reconcilerRepairs.inc({ action: 'released' }, result.released);
    metrics.reconcilerRepairs.inc({ action: 'uncertain' }, result.uncertain);
    metrics.reconcilerRepairs.inc({ action: 'requeued' }, result.requeued);
    await services.accountNotices.requeue();
    return result;
  };
  return {
    mailer,
    sender,
    reconciler,
    digests,
    weeklyDigests,
    process: (job: Job) =>
      job.name === EMAIL_JOB.sweep
        ? sweep()
        : job.name === EMAIL_JOB.planDigests
          ? digests.plan()
          : job.name === EMAIL_JOB.planWeeklyDigests
            ? weeklyDigests.plan()
            : job.name === EMAIL_JOB.sendNotice
              ? services.accountNotices.send((job.data as NoticeJobData).accountNoticeId, mailer)
              : sender.send((job.data as SendJobData).scheduledEmailId),
    /** Shutting down: sends not yet handed to SMTP give their rows back rather than wait (EmailSender.stop). */
    stop: () => sender.stop(),
    close: async () => {
      sender.close();
      mailer.close();
      await genericPlans.end();
    },
  };
}

export type EmailRuntime = ReturnType<typeof createEmailRuntime>;

export interface WorkerRuntimeOptions {
  /** Identifies this process in leases, e.g. `hostname:pid`. */
  workerId: string;
  /** Email jobs run at once by this process. */
  concurrency: number;
  /** Queues to work on (default: all). */
  queues?: readonly QueueName[];
  /** Registers the periodic jobs (reconciler, digest planning, maintenance); off in tests that run them by hand. */
  schedule?: boolean;
  /** How often to check that the periodic jobs are still registered (default: every reconcile period, at most a minute). */
  scheduleCheckMs?: number;
  /** Services to share (tests run the worker beside the API); built here otherwise. */
  services?: Services;
}

export interface WorkerRuntime {
  services: Services;
  emails: EmailRuntime;
  workers: Worker[];
  /** The port of the worker's metrics listener (WORKER_METRICS_PORT); null when off. */
  metricsPort: number | null;
  /** Lets active jobs finish for up to `timeoutMs`, then releases them; closes what it opened. */
  close(timeoutMs: number): Promise<{ graceful: boolean }>;
}

/**
 * Starts the BullMQ workers of one worker process: email sends and reconciler sweeps, and
 * housekeeping. Connections stay the caller's; everything opened here is closed by `close`.
 */
export async function startWorkerRuntime(infra: Infrastructure, options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { config, logger } = infra;
  const ownServices = !options.services;
  const services = options.services ?? createServices(infra);
  const queues = new Set(options.queues ?? [QUEUE.emails, QUEUE.maintenance]);
  const blocking = createRedis(config, 'worker-blocking', true);
  const maintenanceQueue = options.schedule === false ? null : createQueue(QUEUE.maintenance, config, infra.redis);
  let scheduleCheck: NodeJS.Timeout | null = null;
  let onReady: (() => void) | null = null;
  if (maintenanceQueue) {
    const schedules = periodicJobs(services.emailQueue, maintenanceQueue, config);
    for (const s of schedules) await s.register();
    // Redis keeps the schedulers: after a flush, or a restart without its data, they are gone and
    // due mail waits for the reconciler that never comes. Every worker checks on each reconnect
    // and on a timer of its own, and registers what is missing (registering is idempotent).
    const check = () =>
      void ensureRegistered(schedules).catch((err) =>
        logger.warn({ err }, 'could not check the periodic jobs; will try again'),
      );
    onReady = check;
    infra.redis.on('ready', onReady);
    // A FLUSHALL drops no connection (no 'ready'): the timer alone notices it, so it runs every
    // reconcile period and a lost reconciler costs at most one period more.
    const every = options.scheduleCheckMs ?? Math.min(60_000, config.email.reconcileEverySeconds * 1000);
    scheduleCheck = setInterval(check, every).unref();
  }

  const emails = createEmailRuntime(infra, services, options.workerId);
  registerPipelineGauges(
    infra.metrics,
    infra.ds,
    maintenanceQueue ? [services.emailQueue, maintenanceQueue] : [services.emailQueue],
  );
  // The worker's own /metrics and /readyz (WORKER_METRICS_PORT), on an internal interface.
  const metricsListener =
    config.metrics.workerPort === null
      ? null
      : await startMetricsListener({
          metrics: infra.metrics,
          host: config.metrics.host,
          port: config.metrics.workerPort,
          token: config.metrics.token,
          logger,
          readiness: readinessCheck(infra.ds, infra.redis, logger, {
            info: { reconcilerScheduled: () => schedulerExists(services.emailQueue, EMAIL_JOB.sweep) },
          }),
        });
  const workers: Worker[] = [];
  if (queues.has(QUEUE.emails)) {
    workers.push(
      new Worker(QUEUE.emails, emails.process, {
        ...queueOptions(config, blocking),
        ...EMAIL_WORKER_OPTIONS,
        concurrency: options.concurrency,
      }),
    );
  }
  if (queues.has(QUEUE.maintenance)) {
    workers.push(
      new Worker(QUEUE.maintenance, maintenanceProcessor(services, logger.child({ queue: QUEUE.maintenance })), {
        ...queueOptions(config, blocking),
        concurrency: 1,
      }),
    );
  }
  for (const w of workers) {
    w.on('failed', (job, err) => logger.warn({ queue: w.name, jobId: job?.id, job: job?.name, err }, 'job failed'));
    w.on('error', (err) => logger.error({ queue: w.name, err }, 'worker error'));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  return {
    services,
    emails,
    workers,
    metricsPort: metricsListener?.port ?? null,
    close: async (timeoutMs) => {
      // Past the timeout, force-close so the jobs' locks lapse and another worker picks them up
      // as stalled (the jobs are idempotent).
      emails.stop();
      const graceful = Promise.all(workers.map((w) => w.close())).then(() => true);
      const timeout = new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref());
      const finished = await Promise.race([graceful, timeout]);
      if (!finished) await Promise.all(workers.map((w) => w.close(true)));
      if (scheduleCheck) clearInterval(scheduleCheck);
      await metricsListener?.close();
      if (onReady) infra.redis.off('ready', onReady);
      await maintenanceQueue?.close();
      if (ownServices) await services.closeQueues();
      await emails.close();
      await blocking.quit().catch(() => blocking.disconnect());
      return { graceful: finished };
    },
  };
}

interface PeriodicJob {
  queue: Queue;
  id: string;
  register(): Promise<void>;
}

/** The job schedulers a worker keeps registered: the reconciler, digest planning (daily and weekly) and maintenance. */
function periodicJobs(emailQueue: Queue, maintenanceQueue: Queue, config: Infrastructure['config']): PeriodicJob[] {
  return [
    { queue: emailQueue, id: EMAIL_JOB.sweep, register: () => Reconciler.schedule(emailQueue, config) },
    { queue: emailQueue, id: EMAIL_JOB.planDigests, register: () => DigestPlanner.schedule(emailQueue, config) },
    {
      queue: emailQueue,
      id: EMAIL_JOB.planWeeklyDigests,
      register: () => WeeklyDigestPlanner.schedule(emailQueue, config),
    },
    ...Object.values(MAINTENANCE_JOB).map((id) => ({
      queue: maintenanceQueue,
      id,
      register: () => scheduleMaintenance(maintenanceQueue, id),
    })),
  ];
}

/** Registers the schedulers Redis no longer has; a present one is left alone (its next run stays). */
async function ensureRegistered(jobs: PeriodicJob[]): Promise<void> {
  for (const job of jobs) {
    if (!(await job.queue.getJobScheduler(job.id))) await job.register();
  }
}

/** Whether the periodic job `id` is registered in Redis (the worker's view of its reconciler). */
async function schedulerExists(queue: Queue, id: string) {
  return (await queue.getJobScheduler(id))
    ? { ok: true }
    : { ok: false, detail: 'not registered: the next worker check registers it again' };
}
