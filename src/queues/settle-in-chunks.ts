// Runs `work` over `items`, at most `size` at a time (a new item starts as soon as one finishes, so one slow item
// does not hold up the rest), never letting one failure stop the others: each failed item is handed to `onError`,
// and the results of those that succeeded are returned in the items' order.
export async function settleInChunks<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
  onError: (err: unknown, item: T) => void,
): Promise<R[]> {
  const results: ({ ok: true; value: R } | undefined)[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await work(items[i]) };
      } catch (err) {
        onError(err, items[i]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane));
  return results.flatMap((r) => (r ? [r.value] : []));
}
