import 'reflect-metadata';
import { createHttpApp } from './app/http-app';
import { openAppInfrastructure } from './app/infrastructure';
import { ConfigError, loadConfigOrExit } from './core/config';

async function main() {
  const config = loadConfigOrExit();
  const infra = await openAppInfrastructure(config, 'api');
  const http = await createHttpApp(infra);
  const port = await http.listen();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    infra.logger.info({ signal }, 'API shutting down');
    const timer = setTimeout(() => {
      infra.logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, 15_000).unref();
    await http.close();
    await infra.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Logged only once a signal would be handled gracefully.
  infra.logger.info({ port, graphql: `${config.http.publicUrl}/graphql` }, 'API ready');
}

main().catch((err) => {
  // A setting found bad only once read (a trusted-documents manifest): named, without a stack.
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`API failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
