import 'reflect-metadata';
import { dataSourceFromEnv } from '../app/cli-data-source';
import { Role } from '../modules/users/user.entity';
import { UserService } from '../modules/users/user.service';

/**
 * `npm run admin:promote -- someone@example.com [--demote]`: grants (or removes) the ADMIN
 * role. Needs only DATABASE_URL. The user signs in again to get a token with the new role.
 */
async function main() {
  const email = process.argv[2];
  const role = process.argv.includes('--demote') ? Role.USER : Role.ADMIN;
  if (!email || email.startsWith('-')) {
    process.stderr.write('usage: npm run admin:promote -- <email> [--demote]\n');
    process.exit(64);
  }
  const ds = await dataSourceFromEnv().initialize();
  try {
    if (await new UserService(ds).setRole(email, role)) {
      process.stdout.write(`${email} is now ${role}\n`);
    } else {
      process.stderr.write(`no user has the email ${email}; register first\n`);
      process.exitCode = 1;
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`admin:promote failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
