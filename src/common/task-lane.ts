// Work that runs after its caller has moved on, at most `maxRunning` tasks at once. `submit` resolves as soon as the
// task is taken (running, or waiting its turn); past `maxWaiting` tasks waiting, it resolves only once there is
// room: the caller is held back rather than memory growing without bound. A task's failure is its own to handle:
// the lane only keeps the count.
export interface TaskLaneOptions {
  maxRunning: number;
  maxWaiting: number;
}

export class TaskLane {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly options: TaskLaneOptions) {}

  get pending(): number {
    return this.running + this.waiting.length;
  }

  async submit(task: () => Promise<void>): Promise<void> {
    while (this.waiting.length >= this.options.maxWaiting) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.waiting.push(task);
    this.next();
  }

  // Resolves once every task taken so far has finished (shutdown).
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    while (this.running < this.options.maxRunning && this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      this.roomWaiters.shift()?.();
      this.running++;
      void task()
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.next();
          if (this.pending === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
        });
    }
  }
}
