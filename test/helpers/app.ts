import 'reflect-metadata';
import { createHttpApp, type HttpApp } from '../../src/app/http-app';
import { openAppInfrastructure } from '../../src/app/infrastructure';
import { loadConfig, type Config } from '../../src/core/config';
import type { Infrastructure } from '../../src/core/infrastructure';
import { ensureDatabase, truncateAll } from './database';
import type { SqlCounter } from './sql-counter';
import { baseTestEnv } from './test-env';

export interface TestApp {
  url: string;
  config: Config;
  infra: Infrastructure;
  http: HttpApp;
  close(): Promise<void>;
}

/**
 * The real API on a loopback port, against this jest worker's own database (emptied) and
 * Redis logical database (flushed). Call in beforeAll, close in afterAll.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  /** `keepData`: another API process on the same data (the database and Redis are left as they are). */
  options: { sql?: SqlCounter; keepData?: boolean } = {},
): Promise<TestApp> {
  const merged = { ...baseTestEnv(), ...env };
  const config = loadConfig(merged);
  await ensureDatabase(new URL(config.db.url).pathname.slice(1));
  const infra = await openAppInfrastructure(config, 'api', { logger: options.sql });
  if (!options.keepData) {
    await truncateAll(infra.ds);
    await infra.redis.flushdb();
  }
  const http = await createHttpApp(infra);
  const port = await http.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    infra,
    http,
    close: async () => {
      await http.close();
      await infra.close();
    },
  };
}
