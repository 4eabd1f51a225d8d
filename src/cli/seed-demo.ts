import 'reflect-metadata';
import { loadConfigOrExit } from '../core/config';
import { openAppInfrastructure } from '../app/infrastructure';
import { createServices } from '../app/services';

export const DEMO_USER = {
  email: 'demo@rapport.local',
  password: 'rapport-demo-password',
  name: 'Demo User',
  timezone: 'Europe/London',
};

/** Creates the demo account on a development database, once. Prints its credentials. */
async function main() {
  const config = loadConfigOrExit();
  if (config.env === 'production') {
    process.stderr.write('refusing to seed a demo user with NODE_ENV=production\n');
    process.exit(1);
  }
  const infra = await openAppInfrastructure({ ...config, log: { level: 'warn', pretty: false } }, 'cli');
  try {
    const services = createServices(infra);
    const existing = await services.users.findForLogin(DEMO_USER.email);
    if (!existing) {
      // Verified: the demo user's mail to contacts goes out in development without a detour.
      await services.registration.register(DEMO_USER, { ip: 'seed', userAgent: 'seed-demo' }, { emailVerified: true });
    } else {
      // A demo database from before the question bank existed gets its default questions.
      await services.questions.seedDefaults(existing.id);
    }
    process.stdout.write(
      `${existing ? 'Demo user' : 'Created demo user'}: ${DEMO_USER.email} / ${DEMO_USER.password}\n`,
    );
  } finally {
    await infra.close();
  }
}

void main();
