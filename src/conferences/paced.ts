// Runs `work` over many items with at most `concurrency` in flight and at most `perSecond` started per second
// (Sinch's REST rate limit): a 100-participant mute takes ceil(100 / perSecond) seconds, not a burst of 429s.
// Each item's outcome is reported; one failure does not stop the others.
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export async function paced<T, R>(
  items: readonly T[],
  limits: { concurrency: number; perSecond: number },
  work: (item: T) => Promise<R>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => number = () => Date.now(),
): Promise<Outcome<R>[]> {
  const results: Outcome<R>[] = new Array(items.length);
  const gapMs = 1000 / limits.perSecond;
  let next = 0;
  let nextStartAt = now();
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      // Slots are handed out in order, gapMs apart, whichever lane takes them.
      const startAt = nextStartAt;
      nextStartAt = Math.max(nextStartAt, now()) + gapMs;
      const wait = startAt - now();
      if (wait > 0) await sleep(wait);
      try {
        results[i] = { ok: true, value: await work(items[i]) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limits.concurrency, items.length) }, lane));
  return results;
}
