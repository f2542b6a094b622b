import { batchedCheck, MicroBatcher } from 'src/common/micro-batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MicroBatcher', () => {
  it('sends concurrent items together and answers each with its own result', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 100,
      maxConcurrent: 1,
      run: async (items) => {
        batches.push(items);
        await tick();
        return items.map((n) => n * 10);
      },
    });
    const results = await Promise.all([1, 2, 3, 4].map((n) => batcher.push(n)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('grows batches while one is in flight, up to maxBatch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 3,
      maxConcurrent: 1,
      run: async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items;
      },
    });
    const first = batcher.push(0);
    await tick();
    const later = [1, 2, 3, 4, 5].map((n) => batcher.push(n));
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5]]);
  });

  it('never puts two items with a shared key in one batch, and keeps their order', async () => {
    const batches: string[][] = [];
    const batcher = new MicroBatcher<string, string>({
      maxBatch: 10,
      maxConcurrent: 1,
      keys: (s) => [s.split('.')[0]],
      run: async (items) => {
        batches.push(items);
        return items;
      },
    });
    await Promise.all(['a.1', 'b.1', 'a.2', 'c.1', 'a.3'].map((s) => batcher.push(s)));
    expect(batches).toEqual([['a.1', 'b.1', 'c.1'], ['a.2'], ['a.3']]);
  });

  it('rejects every item of a failed batch, and drains', async () => {
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 10,
      maxConcurrent: 2,
      run: async () => {
        throw new Error('db down');
      },
    });
    const results = await Promise.allSettled([batcher.push(1), batcher.push(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(batcher.drain()).resolves.toBeUndefined();
    expect(batcher.pending).toBe(0);
  });
});

describe('MicroBatcher splitting', () => {
  it('re-runs a failed batch item by item when splitOn says so: only the bad item fails', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 100,
      maxConcurrent: 1,
      splitOn: (error) => (error as Error).message === 'bad row',
      run: async (items) => {
        batches.push(items);
        if (items.includes(3)) throw new Error('bad row');
        return items.map((n) => n * 10);
      },
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.push(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 'bad row', 40]);
    expect(batches).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it('fails the whole batch on an error it must not split on (an outage)', async () => {
    let runs = 0;
    const batcher = new MicroBatcher<number, number>({
      maxBatch: 100,
      maxConcurrent: 1,
      splitOn: () => false,
      run: async () => {
        runs++;
        throw new Error('Connection terminated');
      },
    });
    const results = await Promise.allSettled([1, 2].map((n) => batcher.push(n)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(runs).toBe(1);
  });
});

describe('batchedCheck', () => {
  it('answers concurrent questions with a read per batch, each by its own item', async () => {
    const reads: string[][] = [];
    const known = new Set(['a', 'c']);
    const isKnown = batchedCheck<string>(async (keys) => {
      reads.push(keys);
      const found = new Set(keys.filter((k) => known.has(k)));
      return (key) => found.has(key);
    });
    expect(await Promise.all(['a', 'b', 'c', 'd'].map(isKnown))).toEqual([true, false, true, false]);
    // Spread over its two reads in flight, not one read per question.
    expect(reads).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(await isKnown('b')).toBe(false);
    expect(reads).toHaveLength(3);
  });

  it('fails every question of a batch whose read fails, and answers later ones again', async () => {
    let fail = true;
    const check = batchedCheck<number>(async () => {
      if (fail) throw new Error('connection lost');
      return (n) => n > 1;
    });
    const failed = await Promise.allSettled([1, 2].map(check));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await Promise.all([1, 2].map(check))).toEqual([false, true]);
  });
});
