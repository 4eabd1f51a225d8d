/**
 * Runs many small requests of one kind as few statements: a request waits only while earlier
 * batches are in flight, and then goes with every request that queued up meanwhile. At a trickle
 * each request is a batch of one and waits for nothing; under load, one statement serves many.
 * Once batches carry several requests, the next one may also linger `lingerMs` for more to join.
 *
 * `run` receives the inputs in order and returns one output per input, in the same order. If it
 * throws, every request of that batch fails with the error.
 */
export class Batcher<In, Out> {
  private readonly queue: { input: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;
  private lastSize = 0;
  private lingering = false;

  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly options: { maxBatch: number; maxInFlight: number; lingerMs?: number },
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(lingered = false): void {
    if (this.lingering) return;
    while (this.inFlight < this.options.maxInFlight && this.queue.length) {
      const { lingerMs, maxBatch } = this.options;
      if (lingerMs && !lingered && this.lastSize > 1 && this.queue.length < maxBatch) {
        this.lingering = true;
        setTimeout(() => {
          this.lingering = false;
          this.pump(true);
        }, lingerMs);
        return;
      }
      lingered = false;
      const batch = this.queue.splice(0, maxBatch);
      this.lastSize = batch.length;
      this.inFlight++;
      void this.run(batch.map((e) => e.input))
        .then(
          (outputs) => batch.forEach((e, i) => e.resolve(outputs[i])),
          (err: unknown) => batch.forEach((e) => e.reject(err)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
