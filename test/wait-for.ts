// Polls a condition until it holds or the deadline passes: tests wait for facts, never for a fixed time.
export async function waitFor<T>(condition: () => T | Promise<T>, timeoutMs = 10_000, describe: () => string = () => '', intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${timeoutMs} ms (last: ${last instanceof Error ? last.message : String(last)}) ${describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
