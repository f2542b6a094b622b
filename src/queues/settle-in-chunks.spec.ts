import { settleInChunks } from './settle-in-chunks';

describe('settleInChunks', () => {
  it('runs every item even when some fail, reports each failure and returns the successes in order', async () => {
    const failed: number[] = [];
    const done = await settleInChunks(
      [1, 2, 3, 4, 5],
      2,
      async (n) => {
        if (n % 2 === 0) throw new Error(`no ${n}`);
        return n * 10;
      },
      (err, n) => failed.push(n),
    );
    expect(done).toEqual([10, 30, 50]);
    expect(failed).toEqual([2, 4]);
  });

  it('never runs more than the chunk size at once', async () => {
    let running = 0;
    let most = 0;
    await settleInChunks(
      Array.from({ length: 7 }, (_, i) => i),
      3,
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
      },
      () => undefined,
    );
    expect(most).toBe(3);
  });
});
