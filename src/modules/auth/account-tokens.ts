import { createHash, randomBytes } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import { AccountToken, type AccountTokenPurpose } from './account-token.entity';

/** How long an emailed token works, per purpose. */
export const ACCOUNT_TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  VERIFY_EMAIL: 24 * 3600_000,
  RESET_PASSWORD: 30 * 60_000,
};

const PREFIX: Record<AccountTokenPurpose, string> = { VERIFY_EMAIL: 'ev_', RESET_PASSWORD: 'pr_' };

export const hashAccountToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * Makes a token for `email` and stores its hash; the plain token is returned once, to be put in
 * the message and nowhere else. Called by the email worker as it renders the message.
 */
export async function mintAccountToken(
  m: EntityManager,
  data: { userId: string; purpose: AccountTokenPurpose; email: string; registrationAttemptId?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = `${PREFIX[data.purpose]}${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ACCOUNT_TOKEN_TTL_MS[data.purpose]);
  await m.getRepository(AccountToken).insert({ ...data, tokenHash: hashAccountToken(token), expiresAt });
  return { token, expiresAt };
}

/** The token's row if it could be used now (exists, this purpose, unused, unexpired); nothing is changed. */
export async function findUsableAccountToken(
  m: EntityManager,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<AccountToken | null> {
  if (typeof token !== 'string' || token.length > 200) return null;
  const row = await m.getRepository(AccountToken).findOneBy({ tokenHash: hashAccountToken(token), purpose });
  return row && !row.usedAt && row.expiresAt.getTime() > Date.now() ? row : null;
}

/**
 * Uses a token up, inside the caller's transaction: the row if the token exists, has this
 * purpose, is unused and unexpired (locked, and marked used together with every other unused
 * token of the user for the same purpose), else null. Malformed input finds nothing.
 */
export async function consumeAccountToken(
  m: EntityManager,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<AccountToken | null> {
  if (typeof token !== 'string' || token.length > 200) return null;
  const repo = m.getRepository(AccountToken);
  const row = await repo.findOne({
    where: { tokenHash: hashAccountToken(token), purpose },
    lock: { mode: 'pessimistic_write' },
  });
  if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now()) return null;
  await repo.update({ userId: row.userId, purpose, usedAt: IsNull() }, { usedAt: () => 'now()' });
  return row;
}

/** The registration attempt a verification email was planned for, if it was. */
export async function registrationAttemptOf(m: EntityManager, scheduledEmailId: string): Promise<string | null> {
  const rows: { id: string }[] = await m.query(`SELECT id FROM registration_attempts WHERE scheduled_email_id = $1`, [
    scheduledEmailId,
  ]);
  return rows[0]?.id ?? null;
}
