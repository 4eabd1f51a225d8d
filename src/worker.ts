import 'reflect-metadata';
import { hostname } from 'node:os';
import { openAppInfrastructure } from './app/infrastructure';
import { startWorkerRuntime } from './app/worker-runtime';
import { loadConfigOrExit } from './core/config';

async function main() {
  const config = loadConfigOrExit();
  const infra = await openAppInfrastructure(config, 'worker');
  const { logger } = infra;
  const runtime = await startWorkerRuntime(infra, {
    workerId: `${hostname()}:${process.pid}`,
    concurrency: config.worker.concurrency,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down; waiting for active jobs');
    const { graceful } = await runtime.close(config.worker.shutdownTimeoutMs);
    if (!graceful) logger.warn('active jobs did not finish in time; released them');
    await infra.close();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Logged only once a signal would be handled gracefully.
  logger.info({ queues: runtime.workers.map((w) => w.name), concurrency: config.worker.concurrency }, 'worker ready');
}

main().catch((err) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
