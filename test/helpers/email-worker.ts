import { Worker } from 'bullmq';
import { loadConfig } from '../../src/core/config';
import { EMAIL_WORKER_OPTIONS, queueOptions, QUEUE } from '../../src/core/queue/queues';
import { createRedis } from '../../src/core/redis';
import { createEmailRuntime } from '../../src/modules/emails/email-runtime';
import type { TestApp } from './app';
import { eventually } from './eventually';
import { baseTestEnv } from './test-env';

export type EmailWorker = Awaited<ReturnType<typeof startEmailWorker>>;

/**
 * The real email worker (BullMQ Worker + sender + reconciler) inside the test process, sending
 * to `smtpUrl`. It shares the app's database and queue; `processed` lists every finished job id.
 */
export async function startEmailWorker(app: TestApp, smtpUrl: string, env: Record<string, string> = {}) {
  const config = loadConfig({ ...baseTestEnv(), ...env, MAIL_TRANSPORT: 'smtp', SMTP_URL: smtpUrl });
  const infra = { ...app.infra, config };
  const runtime = createEmailRuntime(infra, app.http.services, `test-worker-${process.pid}`);
  const blocking = createRedis(config, 'test-email-worker', true);
  const processed: string[] = [];
  const worker = new Worker(QUEUE.emails, runtime.process, {
    ...queueOptions(config, blocking),
    ...EMAIL_WORKER_OPTIONS,
    concurrency: 5,
  });
  worker.on('completed', (job) => processed.push(String(job.id)));
  await worker.waitUntilReady();
  return {
    ...runtime,
    worker,
    processed,
    /** Resolves once a job with this id has been processed. */
    waitProcessed: (jobId: string, timeoutMs = 15_000) =>
      eventually(() => processed.includes(jobId) || Promise.reject(new Error(`job ${jobId} not processed yet`)), {
        timeoutMs,
      }),
    close: async () => {
      await worker.close();
      runtime.close();
      await blocking.quit();
    },
  };
}
