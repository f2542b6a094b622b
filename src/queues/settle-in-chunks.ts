// Runs `work` over `items`, at most `size` at a time, never letting one failure stop the others: each failed item
// is handed to `onError`, and the results of those that succeeded are returned in order.
export async function settleInChunks<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
  onError: (err: unknown, item: T) => void,
): Promise<R[]> {
  const done: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    const chunk = items.slice(start, start + size);
    const results = await Promise.allSettled(chunk.map(work));
    results.forEach((r, i) => (r.status === 'fulfilled' ? done.push(r.value) : onError(r.reason, chunk[i])));
  }
  return done;
}
