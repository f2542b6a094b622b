import { performance } from 'node:perf_hooks';

// All waiting in the simulator goes through here: simulated milliseconds are divided by the time scale, and
// every pending timer is tracked so close() can clear them and no handle outlives the simulator.
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();

  constructor(readonly timeScale: number) {}

  nowRealMs(): number {
    return performance.now();
  }

  realToSimMs(realMs: number): number {
    return realMs * this.timeScale;
  }

  afterSim(simMs: number, fn: () => void): () => void {
    return this.afterReal(simMs / this.timeScale, fn);
  }

  afterReal(realMs: number, fn: () => void): () => void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, realMs),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  // A plain delay in real milliseconds (injected latency); released early, not left hanging, on clearAll().
  sleepReal(realMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.sleepers.delete(done);
        cancel();
        resolve();
      };
      const cancel = this.afterReal(realMs, done);
      this.sleepers.add(done);
    });
  }

  clearAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of [...this.sleepers]) wake();
  }

  get pending(): number {
    return this.timers.size;
  }
}
