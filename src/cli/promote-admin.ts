import 'reflect-metadata';
import { loadConfigOrExit } from '../core/config';
import { openInfrastructure } from '../core/infrastructure';
import { createServices } from '../core/services';
import { Role } from '../modules/users/user.entity';

/** `npm run admin:promote -- someone@example.com [--demote]`: grants (or removes) the ADMIN role. */
async function main() {
  const email = process.argv[2];
  const role = process.argv.includes('--demote') ? Role.USER : Role.ADMIN;
  if (!email || email.startsWith('-')) {
    process.stderr.write('usage: npm run admin:promote -- <email> [--demote]\n');
    process.exit(64);
  }
  const infra = await openInfrastructure({ ...loadConfigOrExit(), log: { level: 'warn', pretty: false } }, 'cli');
  try {
    const found = await createServices(infra).users.setRole(email, role);
    if (!found) {
      process.stderr.write(`no user has the email ${email}; register first\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`${email} is now ${role}\n`);
    }
  } finally {
    await infra.close();
  }
}

void main();
