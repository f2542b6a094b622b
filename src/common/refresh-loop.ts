import type { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

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

// A provider holding such a cache: loaded at start (where `plan().here`, e.g. only in API processes), reloaded while
// the process runs, stopped at shutdown.
export abstract class RefreshedCache implements OnApplicationBootstrap, OnApplicationShutdown {
  protected abstract readonly logger: Logger;
  private stopRefreshing?: () => void;

  protected abstract plan(): { what: string; everyMs: number; here: boolean };
  abstract refresh(): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    const { what, everyMs, here } = this.plan();
    if (here) this.stopRefreshing = await startRefreshing(this.logger, what, everyMs, () => this.refresh());
  }

  onApplicationShutdown(): void {
    this.stopRefreshing?.();
  }
}
