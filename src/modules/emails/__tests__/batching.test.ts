import { Batcher } from '../batching';

/** A batch runner whose batches finish when the test says so. */
function controlled() {
  const batches: { inputs: number[]; finish: () => void; fail: (err: Error) => void }[] = [];
  const batcher = new Batcher(
    (inputs: number[]) =>
      new Promise<string[]>((resolve, reject) => {
        batches.push({ inputs, finish: () => resolve(inputs.map((i) => `out-${i}`)), fail: reject });
      }),
    { maxBatch: 3, maxInFlight: 1 },
  );
  return { batcher, batches };
}

const tick = () => new Promise((r) => setImmediate(r));

it('sends a lone request at once, and what arrives while it runs together in the next batch', async () => {
  const { batcher, batches } = controlled();
  const first = batcher.submit(1);
  expect(batches.map((b) => b.inputs)).toEqual([[1]]);
  const rest = [2, 3, 4, 5].map((i) => batcher.submit(i));
  expect(batches).toHaveLength(1);
  batches[0].finish();
  expect(await first).toBe('out-1');
  await tick();
  // At most maxBatch per statement, in order.
  expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
  batches[1].finish();
  await tick();
  expect(batches[2].inputs).toEqual([5]);
  batches[2].finish();
  expect(await Promise.all(rest)).toEqual(['out-2', 'out-3', 'out-4', 'out-5']);
});

it('fails every request of a failed batch, and only those', async () => {
  const { batcher, batches } = controlled();
  const first = batcher.submit(1);
  const second = batcher.submit(2);
  batches[0].fail(new Error('deadlock'));
  await expect(first).rejects.toThrow('deadlock');
  await tick();
  batches[1].finish();
  expect(await second).toBe('out-2');
});

it('lingers for more requests only once batches carry several', async () => {
  // setImmediate stays real: `tick` lets a finished batch's bookkeeping run.
  jest.useFakeTimers({ doNotFake: ['setImmediate'] });
  try {
    const seen: number[][] = [];
    const batcher = new Batcher(
      async (inputs: number[]) => {
        seen.push(inputs);
        return inputs;
      },
      { maxBatch: 100, maxInFlight: 1, lingerMs: 30 },
    );
    const first = batcher.submit(1);
    expect(seen).toEqual([[1]]); // a lone request goes at once, with no timer
    await first;
    await tick();
    await Promise.all([batcher.submit(2), batcher.submit(3)]);
    await tick();
    // 2 went alone (the batch before it held one); 3 queued behind it and went with nothing else.
    expect(seen).toEqual([[1], [2], [3]]);
    // 4 goes alone; 5 and 6 queue behind it and go together: batches now carry several.
    await Promise.all([batcher.submit(4), batcher.submit(5), batcher.submit(6)]);
    await tick();
    expect(seen.slice(3)).toEqual([[4], [5, 6]]);

    const d = batcher.submit(7); // nothing in flight, but it waits for company
    await jest.advanceTimersByTimeAsync(10);
    expect(seen).toHaveLength(5);
    const e = batcher.submit(8); // joins while the batch lingers
    await jest.advanceTimersByTimeAsync(19);
    expect(seen).toHaveLength(5);
    await jest.advanceTimersByTimeAsync(1);
    expect(await Promise.all([d, e])).toEqual([7, 8]);
    expect(seen.slice(5)).toEqual([[7, 8]]);
  } finally {
    jest.useRealTimers();
  }
});
