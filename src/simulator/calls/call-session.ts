import type { Scheduler } from 'src/simulator/sim-clock';
import type { SimCall } from 'src/simulator/simulator.types';
import type { Svaml } from 'src/sinch/svaml/svaml.types';

// Thrown into a call's flow when the simulator closes or resets: the flow stops without sending anything.
export class SimAborted extends Error {
  constructor() {
    super('simulator aborted the call');
  }
}

export type Interrupt =
  | { kind: 'hangup' } // the far end hung up (control API)
  | { kind: 'kick' } // removed from its conference (REST)
  | { kind: 'limit' } // maxDuration reached
  | { kind: 'svaml'; doc: Svaml }; // ManageCall PATCH

export type Wake = { kind: 'elapsed' } | { kind: 'dtmf' } | Interrupt;

interface Waiter {
  resolve(wake: Wake): void;
  reject(error: Error): void;
  cancel(): void;
  stepMs: number;
  startedRealMs: number;
  wantsDtmf: boolean;
  endsAtLimit: boolean;
}

// One call's clock and mailbox. The call's simulated time advances only while it waits (prompt playing, ringing,
// talking), by exactly the scheduled amount when the timer fires, so durations and debits do not depend on
// callback latency or timer jitter. Interrupts (hangup, kick, PATCH) wake the current wait or queue for the next.
export class CallSession {
  readonly abortController = new AbortController();
  dtmfBuffer = '';
  private simMs = 0;
  private deadlineSimMs = Number.POSITIVE_INFINITY;
  private queue: Interrupt[] = [];
  private waiter: Waiter | undefined;
  private aborted = false;

  constructor(
    readonly call: SimCall,
    private readonly scheduler: Scheduler,
  ) {}

  get nowSimMs(): number {
    const w = this.waiter;
    if (!w) return this.simMs;
    const waited = this.scheduler.realToSimMs(this.scheduler.nowRealMs() - w.startedRealMs);
    return this.simMs + Math.min(w.stepMs, waited);
  }

  get isAborted(): boolean {
    return this.aborted;
  }

  // maxDuration: counted from now (the moment the call connects).
  limitTo(seconds: number | undefined): void {
    if (seconds !== undefined && seconds > 0) this.deadlineSimMs = this.simMs + seconds * 1000;
  }

  wait(stepMs: number, opts: { dtmf?: boolean } = {}): Promise<Wake> {
    if (this.aborted) return Promise.reject(new SimAborted());
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (opts.dtmf && this.dtmfBuffer.length > 0) return Promise.resolve({ kind: 'dtmf' });
    const budget = this.deadlineSimMs - this.simMs;
    if (budget <= 0) return Promise.resolve({ kind: 'limit' });
    const endsAtLimit = stepMs > budget;
    const step = Math.max(0, Math.min(stepMs, budget));
    return new Promise<Wake>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        cancel: () => undefined,
        stepMs: step,
        startedRealMs: this.scheduler.nowRealMs(),
        wantsDtmf: opts.dtmf === true,
        endsAtLimit,
      };
      if (Number.isFinite(step)) {
        waiter.cancel = this.scheduler.afterSim(step, () => {
          if (this.waiter !== waiter) return;
          this.waiter = undefined;
          this.simMs += step;
          resolve(endsAtLimit ? { kind: 'limit' } : { kind: 'elapsed' });
        });
      }
      this.waiter = waiter;
    });
  }

  interrupt(interrupt: Interrupt): void {
    if (this.aborted) return;
    if (!this.wake(interrupt)) this.queue.push(interrupt);
  }

  pushDtmf(digits: string): void {
    this.dtmfBuffer += digits;
    if (this.waiter?.wantsDtmf) this.wake({ kind: 'dtmf' });
  }

  // After a callback round trip: a hangup or kick that arrived meanwhile ends the call before its answer runs.
  takeTerminalInterrupt(): Interrupt | undefined {
    const i = this.queue.findIndex((q) => q.kind === 'hangup' || q.kind === 'kick');
    return i === -1 ? undefined : this.queue.splice(i, 1)[0];
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortController.abort();
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      w.cancel();
      w.reject(new SimAborted());
    }
  }

  private wake(wake: Wake): boolean {
    const w = this.waiter;
    if (!w) return false;
    this.waiter = undefined;
    w.cancel();
    const waited = this.scheduler.realToSimMs(this.scheduler.nowRealMs() - w.startedRealMs);
    this.simMs += Math.min(w.stepMs, Math.round(waited));
    w.resolve(wake);
    return true;
  }
}
