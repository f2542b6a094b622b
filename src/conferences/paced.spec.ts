import { paced } from './paced';

describe('paced', () => {
  it('starts at most perSecond items a second, keeps concurrency bounded and reports each outcome in order', async () => {
    let clock = 0;
    const sleep = async (ms: number) => {
      clock += ms;
    };
    const starts: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const results = await paced(
      [1, 2, 3, 4, 5, 6],
      { concurrency: 2, perSecond: 2 },
      async (n) => {
        starts.push(clock);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await Promise.resolve();
        inFlight--;
        if (n === 4) throw new Error('four');
        return n * 10;
      },
      sleep,
      () => clock,
    );
    expect(peak).toBeLessThanOrEqual(2);
    // 6 items at 2 a second: the last starts 2.5 s after the first.
    expect(Math.max(...starts)).toBe(2500);
    expect(results.map((r) => (r.ok ? r.value : (r.error as Error).message))).toEqual([10, 20, 30, 'four', 50, 60]);
  });

  it('does nothing for no items', async () => {
    expect(await paced([], { concurrency: 5, perSecond: 10 }, async () => 1)).toEqual([]);
  });
});
