import { startWorkerRuntime } from '../../src/app/worker-runtime';
import { loadConfig } from '../../src/core/config';
import { QUEUE } from '../../src/core/queue/queues';
import type { TestApp } from './app';
import { eventually } from './eventually';
import { baseTestEnv } from './test-env';

export type EmailWorker = Awaited<ReturnType<typeof startEmailWorker>>;

/**
 * The real email worker (BullMQ Worker + sender + reconciler) inside the test process, sending
 * to `smtpUrl`. It shares the app's database, services and queue; periodic jobs are not
 * scheduled (tests run sweeps by hand); `processed` lists every finished job id.
 */
export async function startEmailWorker(app: TestApp, smtpUrl: string, env: Record<string, string> = {}) {
  const config = loadConfig({ ...baseTestEnv(), ...env, MAIL_TRANSPORT: 'smtp', SMTP_URL: smtpUrl });
  const runtime = await startWorkerRuntime(
    { ...app.infra, config },
    {
      workerId: `test-worker-${process.pid}`,
      concurrency: 5,
      queues: [QUEUE.emails],
      schedule: false,
      services: app.http.services,
    },
  );
  const [worker] = runtime.workers;
  const processed: string[] = [];
  worker.on('completed', (job) => processed.push(String(job.id)));
  return {
    ...runtime.emails,
    worker,
    processed,
    /** The worker's metrics listener (WORKER_METRICS_PORT in `env`); null when off. */
    metricsPort: runtime.metricsPort,
    /** Resolves once a job with this id has been processed. */
    waitProcessed: (jobId: string, timeoutMs = 15_000) =>
      eventually(() => processed.includes(jobId) || Promise.reject(new Error(`job ${jobId} not processed yet`)), {
        timeoutMs,
      }),
    close: async () => {
      await runtime.close(10_000);
    },
  };
}
