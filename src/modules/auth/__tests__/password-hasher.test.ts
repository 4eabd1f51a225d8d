import { AppError } from '../../../core/errors';
import { PasswordHasher } from '../password-hasher';

const FAST = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

describe('PasswordHasher concurrency bound', () => {
  it('runs at most maxConcurrent hashes, queues up to maxQueued, and refuses the rest as RATE_LIMITED', async () => {
    const hasher = new PasswordHasher(FAST, { maxConcurrent: 2, maxQueued: 3 });
    const hash = await hasher.hash('a password of some length');
    // All twenty start in the same tick: two run, three wait, fifteen are refused at once.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => hasher.verify(hash, i === 0 ? 'a password of some length' : `wrong-${i}`)),
    );
    const done = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(done).toHaveLength(5);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: true });
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect(r.reason).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'SERVER_BUSY' } });
    }
    expect(hasher.stats).toMatchObject({ verifications: 5, peakConcurrent: 2, refused: 15 });

    // The slots are all given back: a new burst gets the same treatment.
    const again = await Promise.allSettled(Array.from({ length: 6 }, () => hasher.verifyNothing('x')));
    expect(again.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
  });
});
