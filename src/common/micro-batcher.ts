// Groups concurrent calls into batches: while `maxConcurrent` batches are in flight, new items wait and leave
// together in the next one. Idle, an item leaves on the next turn of the event loop (no fixed delay); under load
// batches grow by themselves. Items sharing a key never share a batch (they go in the next one, in order).
export interface MicroBatcherOptions<I, O> {
  run: (items: I[]) => Promise<O[]>;
  maxBatch: number;
  maxConcurrent: number;
  keys?: (item: I) => readonly string[];
  // A failed batch of several items is run again item by item when this says yes (a bad row, not an outage):
  // then only the item at fault fails.
  splitOn?: (error: unknown) => boolean;
}

interface Pending<I, O> {
  item: I;
  keys: readonly string[];
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: MicroBatcherOptions<I, O>) {}

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, keys: this.options.keys?.(item) ?? [], resolve, reject });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  // Resolves once everything pushed so far has been run (shutdown).
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxConcurrent) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxConcurrent && this.queue.length > 0) {
      // Spread what is waiting over the free slots: several statements in flight use the database's cores and
      // share its commit flushes, where one big batch would run alone.
      const free = this.options.maxConcurrent - this.inFlight;
      const batch = this.take(Math.min(this.options.maxBatch, Math.ceil(this.queue.length / free)));
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.flush();
        else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((w) => w());
      });
    }
  }

  // Settles every item of the batch; never rejects.
  private async runBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await this.options.run(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1 || !this.options.splitOn?.(error)) {
        batch.forEach((p) => p.reject(error));
        return;
      }
      // Items of one batch share no key, so running them side by side keeps every ordering guarantee.
      await Promise.all(batch.map((p) => this.runBatch([p])));
    }
  }

  private take(size: number): Pending<I, O>[] {
    const batch: Pending<I, O>[] = [];
    const rest: Pending<I, O>[] = [];
    const used = new Set<string>();
    for (const pending of this.queue) {
      if (batch.length < size && !pending.keys.some((k) => used.has(k))) {
        batch.push(pending);
        pending.keys.forEach((k) => used.add(k));
      } else {
        rest.push(pending);
      }
    }
    this.queue = rest;
    return batch;
  }
}

// A yes / no read that many concurrent callers ask (a DiCE follow-up's "is this call one of mine?"), one statement
// per batch instead of one per caller: `select` reads the rows of the whole batch and returns the test that answers
// each item.
export function batchedCheck<I>(select: (items: I[]) => Promise<(item: I) => boolean>): (item: I) => Promise<boolean> {
  const batcher = new MicroBatcher<I, boolean>({
    maxBatch: 500,
    maxConcurrent: 2,
    run: async (items) => {
      const test = await select(items);
      return items.map(test);
    },
  });
  return (item) => batcher.push(item);
}
