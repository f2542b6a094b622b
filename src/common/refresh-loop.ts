import type { Logger } from '@nestjs/common';

// The reload loop of an in-memory cache a process answers from (callback answers may not query): loaded once
// before the process serves, then every `everyMs`; a failed reload keeps the previous contents. Returns the stop.
export async function startRefreshing(logger: Logger, what: string, everyMs: number, refresh: () => Promise<void>): Promise<() => void> {
  await refresh();
  const timer = setInterval(() => {
    refresh().catch((err: unknown) => logger.warn({ err }, `Reloading ${what} failed; keeping the previous ones`));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
